/* pv-tenant-list.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"
#include "pv-profiles.h"
#include "pv-tenant-info.h"
#include "pv-tracked-app.h"

G_BEGIN_DECLS

#define PV_TYPE_TENANT_LIST (pv_tenant_list_get_type ())
G_DECLARE_FINAL_TYPE (PvTenantList, pv_tenant_list, PV, TENANT_LIST, GObject)

PvTenantList *pv_tenant_list_new            (GFile               *profiles);
void          pv_tenant_list_set_offline    (PvTenantList        *self,
                                             gboolean             offline);
PvClient     *pv_tenant_list_get_client     (PvTenantList        *self,
                                             PvTenantInfo        *tenant);
PvTenantInfo *pv_tenant_list_lookup         (PvTenantList        *self,
                                             const char          *id);
PvTrackedApp *pv_tenant_list_get_tracked_app (PvTenantList       *self,
                                              PvTenantInfo       *tenant);
GKeyFile     *pv_tenant_list_get_checks     (PvTenantList        *self);
GFile        *pv_tenant_list_get_apps_file  (PvTenantList        *self);
void          pv_tenant_list_add_tracked_app (PvTenantList       *self,
                                              PvTrackedApp       *app,
                                              const char         *kind,
                                              const char         *token);
gboolean      pv_tenant_list_get_refreshing (PvTenantList        *self);
const GError *pv_tenant_list_get_app_tokens_error (PvTenantList  *self);
double        pv_tenant_list_get_progress   (PvTenantList        *self);
gboolean      pv_tenant_list_get_loading    (PvTenantList        *self);
void          pv_tenant_list_load_async     (PvTenantList        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      pv_tenant_list_load_finish    (PvTenantList        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void          pv_tenant_list_refresh_async  (PvTenantList        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
guint         pv_tenant_list_refresh_finish (PvTenantList        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void          pv_tenant_list_add_async      (PvTenantList        *self,
                                             const char          *id,
                                             const char          *base_url,
                                             const char          *key,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void          pv_tenant_list_add_profile_async (PvTenantList        *self,
                                                const PvProfile     *profile,
                                                const char          *key,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
PvTenantInfo *pv_tenant_list_add_finish     (PvTenantList        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void          pv_tenant_list_remove_async   (PvTenantList        *self,
                                             PvTenantInfo        *tenant,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      pv_tenant_list_remove_finish  (PvTenantList        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void          pv_tenant_list_rotate_key_async  (PvTenantList        *self,
                                                PvTenantInfo        *tenant,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      pv_tenant_list_rotate_key_finish (PvTenantList        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
