/* pv-token-info.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

#define PV_TYPE_TOKEN_INFO (pv_token_info_get_type ())
G_DECLARE_FINAL_TYPE (PvTokenInfo, pv_token_info, PV, TOKEN_INFO, GObject)

PvTokenInfo  *pv_token_info_new              (void);
gboolean      pv_token_info_update_from_json (PvTokenInfo  *self,
                                              JsonObject   *object,
                                              GError      **error);
const char   *pv_token_info_get_id           (PvTokenInfo  *self);
const char   *pv_token_info_get_prefix       (PvTokenInfo  *self);
const char   *pv_token_info_get_description  (PvTokenInfo  *self);
const char   *pv_token_info_get_created_by   (PvTokenInfo  *self);
gint64        pv_token_info_get_created_at   (PvTokenInfo  *self);
gint64        pv_token_info_get_expires_at   (PvTokenInfo  *self);
gint64        pv_token_info_get_last_used_at (PvTokenInfo  *self);
PvExpiryState pv_token_info_get_state        (PvTokenInfo  *self);
gboolean      pv_token_info_get_deleted      (PvTokenInfo  *self);
const char   *pv_token_info_get_deleted_by   (PvTokenInfo  *self);
gint64        pv_token_info_get_deleted_at   (PvTokenInfo  *self);
const char   *pv_token_info_get_replaced_by  (PvTokenInfo  *self);
const char   *pv_token_info_get_retire       (PvTokenInfo  *self);
gint64        pv_token_info_get_retires_at   (PvTokenInfo  *self);
gboolean      pv_token_info_get_rejected     (PvTokenInfo  *self);

G_END_DECLS
