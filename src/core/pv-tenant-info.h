/* pv-tenant-info.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pv-client.h"
#include "pv-connection-info.h"
#include "pv-expiry.h"
#include "pv-profiles.h"
#include "pv-sso-info.h"

G_BEGIN_DECLS

#define PV_TYPE_TENANT_INFO (pv_tenant_info_get_type ())
G_DECLARE_FINAL_TYPE (PvTenantInfo, pv_tenant_info, PV, TENANT_INFO, GObject)

PvTenantInfo *pv_tenant_info_new                (const PvProfile      *profile);
const char   *pv_tenant_info_get_id             (PvTenantInfo         *self);
const char   *pv_tenant_info_get_base_url       (PvTenantInfo         *self);
const char   *pv_tenant_info_get_name           (PvTenantInfo         *self);
const char   *pv_tenant_info_get_account        (PvTenantInfo         *self);
const char   *pv_tenant_info_get_server_id      (PvTenantInfo         *self);
gint64        pv_tenant_info_get_fetched_at     (PvTenantInfo         *self);
GListModel   *pv_tenant_info_get_connections    (PvTenantInfo         *self);
PvConnectionInfo *pv_tenant_info_get_connection (PvTenantInfo         *self,
                                                 const char           *kind);
GListModel   *pv_tenant_info_get_reminders      (PvTenantInfo         *self);
PvSsoInfo    *pv_tenant_info_get_sso            (PvTenantInfo         *self);
const GError *pv_tenant_info_get_error          (PvTenantInfo         *self);
void          pv_tenant_info_set_keeps_state    (PvTenantInfo         *self,
                                                 gboolean              keeps);
void          pv_tenant_info_set_error          (PvTenantInfo         *self,
                                                 const GError         *error);
void          pv_tenant_info_set_known_at       (PvTenantInfo         *self,
                                                 gint64                when);
PvExpiryState pv_tenant_info_get_state          (PvTenantInfo         *self);
gint64        pv_tenant_info_get_now            (PvTenantInfo         *self,
                                                 gint64                now);
PvExpiryState pv_tenant_info_get_key            (PvTenantInfo         *self,
                                                 const char          **out_id,
                                                 const char          **out_prefix,
                                                 gint64               *out_created_at,
                                                 gint64               *out_expires_at);
const PvExpiryPolicy *pv_tenant_info_get_policy (PvTenantInfo         *self);
gboolean      pv_tenant_info_update_from_json   (PvTenantInfo         *self,
                                                 JsonObject           *state,
                                                 GError              **error);
void          pv_tenant_info_refresh_async      (PvTenantInfo         *self,
                                                 PvClient             *client,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      pv_tenant_info_refresh_finish     (PvTenantInfo         *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean      pv_tenant_info_show_cached        (PvTenantInfo         *self,
                                                 JsonObject           *state,
                                                 gint64                fetched_at,
                                                 GError              **error);

G_END_DECLS
