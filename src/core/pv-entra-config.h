/* pv-entra-config.h: where Provisio signs in to Microsoft, and which Entra app provisions which connection
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

G_BEGIN_DECLS

/**
 * PvEntraLink:
 * @service_principal_id: the enterprise app the admin confirmed
 * @job_id: its provisioning job
 * @display_name: its name in Entra, for the steps
 * @imported: made by Import from Entra rather than by the admin
 * @removed_at: when an import last found the app gone from Entra, or 0
 *
 * Which Entra app provisions one connection of a tenant.
 */
typedef struct {
  char     *service_principal_id;
  char     *job_id;
  char     *display_name;
  gboolean  imported;
  gint64    removed_at;
} PvEntraLink;

/**
 * PvEntraConfig:
 * @cloud: a #PvGraphCloud id, or "custom"
 * @login_url: (nullable): the identity platform, for "custom"
 * @graph_url: (nullable): Microsoft Graph, for "custom"
 * @directory: (nullable): the Entra tenant (id or domain)
 * @client_id: (nullable): the public client; the default when %NULL
 * @links: "tenant/kind" to #PvEntraLink
 *
 * Where and as what Provisio signs in to Microsoft, and which Entra app
 * provisions which connection; kept in `entra.ini` beside the tenants,
 * without any secret.
 */
typedef struct {
  char       *cloud;
  char       *login_url;
  char       *graph_url;
  char       *directory;
  char       *client_id;
  GHashTable *links;
} PvEntraConfig;

PvEntraConfig     *pv_entra_config_new          (void);
void               pv_entra_config_free         (PvEntraConfig       *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvEntraConfig, pv_entra_config_free)
GFile             *pv_entra_config_default_file (void);
PvEntraConfig     *pv_entra_config_load         (GFile               *file,
                                                 GError             **error);
void               pv_entra_config_load_async   (GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
PvEntraConfig     *pv_entra_config_load_finish  (GAsyncResult        *result,
                                                 GError             **error);
void               pv_entra_config_save_async   (PvEntraConfig       *config,
                                                 GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean           pv_entra_config_save_finish  (GAsyncResult        *result,
                                                 GError             **error);
const PvEntraLink *pv_entra_config_get_link     (PvEntraConfig       *config,
                                                 const char          *tenant,
                                                 const char          *kind);
void               pv_entra_config_set_link     (PvEntraConfig       *config,
                                                 const char          *tenant,
                                                 const char          *kind,
                                                 const char          *service_principal_id,
                                                 const char          *job_id,
                                                 const char          *display_name);
PvGraph           *pv_entra_config_new_graph    (PvEntraConfig       *config,
                                                 GError             **error);

G_END_DECLS
