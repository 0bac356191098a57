/* pv-connection-info.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PV_TYPE_CONNECTION_INFO (pv_connection_info_get_type ())
G_DECLARE_FINAL_TYPE (PvConnectionInfo, pv_connection_info, PV, CONNECTION_INFO, GObject)

PvConnectionInfo *pv_connection_info_new                (void);
gboolean          pv_connection_info_update_from_json   (PvConnectionInfo  *self,
                                                         JsonObject        *object,
                                                         GError           **error);
const char       *pv_connection_info_get_kind           (PvConnectionInfo  *self);
const char       *pv_connection_info_get_identity_provider (PvConnectionInfo *self);
gboolean          pv_connection_info_get_expiry_unknown (PvConnectionInfo *self);
const char       *pv_connection_info_get_scim_base_url  (PvConnectionInfo  *self);
GListModel       *pv_connection_info_get_tokens         (PvConnectionInfo  *self);
GListModel       *pv_connection_info_get_deleted_tokens (PvConnectionInfo  *self);
const char       *pv_connection_info_get_in_use_token_id (PvConnectionInfo *self);
gint64            pv_connection_info_get_last_request_at (PvConnectionInfo *self);

G_END_DECLS
