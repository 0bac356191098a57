/* pv-entra-session.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-entra.h"
#include "pv-entra-import.h"
#include "pv-tenant-info.h"

G_BEGIN_DECLS

/* Microsoft ends a sign-in whose refresh token went unused this long. */
#define PV_ENTRA_SIGN_IN_IDLE_DAYS 90
/* The app uses the sign-in at least this often while it runs. */
#define PV_ENTRA_KEEP_ALIVE_SECONDS (24 * 3600)

#define PV_TYPE_ENTRA_SESSION (pv_entra_session_get_type ())
G_DECLARE_FINAL_TYPE (PvEntraSession, pv_entra_session, PV, ENTRA_SESSION, GObject)

PvEntraSession    *pv_entra_session_new              (GFile               *config_file);
PvEntraSession    *pv_entra_session_new_demo         (GFile               *directory);
GFile             *pv_entra_session_get_demo_apps_file (PvEntraSession    *self);
PvEntraConfig     *pv_entra_session_get_config       (PvEntraSession      *self);
PvGraph           *pv_entra_session_get_graph        (PvEntraSession      *self);
gboolean           pv_entra_session_get_signed_in    (PvEntraSession      *self);
const GError      *pv_entra_session_get_error        (PvEntraSession      *self);
const PvEntraJob  *pv_entra_session_get_job          (PvEntraSession      *self,
                                                      const char          *tenant,
                                                      const char          *kind,
                                                      const GError       **error);

void               pv_entra_session_load_async       (PvEntraSession      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           pv_entra_session_load_finish      (PvEntraSession      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
gboolean           pv_entra_session_configure        (PvEntraSession      *self,
                                                      const char          *cloud,
                                                      const char          *directory,
                                                      const char          *client_id,
                                                      GError             **error);
void               pv_entra_session_sign_in_async    (PvEntraSession      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           pv_entra_session_sign_in_finish   (PvEntraSession      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void               pv_entra_session_sign_out         (PvEntraSession      *self);
void               pv_entra_session_stop             (PvEntraSession      *self);
void               pv_entra_session_link             (PvEntraSession      *self,
                                                      const char          *tenant,
                                                      const char          *kind,
                                                      const PvEntraApp    *app);
void               pv_entra_session_refresh_health   (PvEntraSession      *self);
GListModel        *pv_entra_session_get_saml_certificates (PvEntraSession *self);
void               pv_entra_session_import_async     (PvEntraSession      *self,
                                                      GFile               *apps_file,
                                                      const char * const  *tenant_urls,
                                                      PvProgressFunc       progress,
                                                      gpointer             progress_data,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           pv_entra_session_import_finish    (PvEntraSession      *self,
                                                      GAsyncResult        *result,
                                                      PvEntraImport       *result_out,
                                                      GPtrArray          **tracked,
                                                      GError             **error);
char              *pv_entra_session_describe         (PvEntraSession      *self,
                                                      PvTenantInfo        *tenant,
                                                      PvConnectionInfo    *connection,
                                                      gint64               now,
                                                      gboolean            *warning);
void               pv_entra_sign_in_lapse_async      (PvGraph             *graph,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gint64             pv_entra_sign_in_lapse_finish     (GAsyncResult        *result,
                                                      GError             **error);
gint64             pv_entra_session_get_lapses_at    (PvEntraSession      *self);
char              *pv_entra_session_describe_lapse   (PvEntraSession      *self);

G_END_DECLS
