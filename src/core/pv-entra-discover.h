/* pv-entra-discover.h: the directory's enterprise apps and their SAML certificates
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#if !defined (PV_ENTRA_INSIDE)
# error "Only \"pv-entra.h\" can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pv-graph.h"
#include "pv-tenant-info.h"

G_BEGIN_DECLS

/* How many service principals an estate keeps at most. */
#define PV_ENTRA_MAX_APPS 50000

/**
 * PvEntraSamlApp:
 * @service_principal_id: the enterprise app's service principal
 * @display_name: its name in Entra
 * @thumbprint: (nullable): the active signing certificate's SHA-1
 *   thumbprint (preferredTokenSigningKeyThumbprint), in upper-case hex
 * @subject: (nullable): that certificate's name among the app's keys
 * @not_after: when it expires, or 0 if none of the app's keys is the one
 *   the thumbprint names
 *
 * An enterprise app signing in with SAML, and its active signing certificate.
 */
typedef struct {
  char   *service_principal_id;
  char   *display_name;
  char   *thumbprint;
  char   *subject;
  gint64  not_after;
} PvEntraSamlApp;

PvEntraSamlApp *pv_entra_saml_app_new_from_json (JsonObject *object);
PvTenantInfo   *pv_entra_saml_app_new_info     (const PvEntraSamlApp *app);
const char     *pv_entra_saml_info_get_app_name (PvTenantInfo        *info);
void        pv_entra_saml_app_free     (PvEntraSamlApp *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvEntraSamlApp, pv_entra_saml_app_free)

GFile      *pv_entra_saml_state_file   (void);
GBytes     *pv_entra_saml_apps_to_bytes (GPtrArray          *apps);
GPtrArray  *pv_entra_saml_apps_from_data (const char        *data,
                                          gsize              length,
                                          GError           **error);
GPtrArray  *pv_entra_saml_apps_new_infos (GPtrArray         *apps);
char       *pv_entra_saml_describe_steps (PvTenantInfo      *info);

#define PV_TYPE_ENTRA_ESTATE (pv_entra_estate_get_type ())
G_DECLARE_FINAL_TYPE (PvEntraEstate, pv_entra_estate, PV, ENTRA_ESTATE, GObject)

PvEntraEstate *pv_entra_estate_new            (void);
guint       pv_entra_estate_get_size          (PvEntraEstate       *self);
GPtrArray  *pv_entra_estate_get_apps          (PvEntraEstate       *self);
GPtrArray  *pv_entra_estate_get_skipped       (PvEntraEstate       *self);
GPtrArray  *pv_entra_estate_get_saml_apps     (PvEntraEstate       *self);
void        pv_entra_estate_refresh_async     (PvEntraEstate       *self,
                                               PvGraph             *graph,
                                               PvProgressFunc       progress,
                                               gpointer             progress_data,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    pv_entra_estate_refresh_finish    (PvEntraEstate       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void        pv_entra_discover_async    (PvGraph             *graph,
                                        PvProgressFunc       progress,
                                        gpointer             progress_data,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray  *pv_entra_discover_finish   (GAsyncResult        *result,
                                        GPtrArray          **skipped,
                                        GError             **error);

G_END_DECLS
