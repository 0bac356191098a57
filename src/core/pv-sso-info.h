/* pv-sso-info.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

#define PV_TYPE_SSO_INFO (pv_sso_info_get_type ())
G_DECLARE_FINAL_TYPE (PvSsoInfo, pv_sso_info, PV, SSO_INFO, GObject)

PvSsoInfo *   pv_sso_info_new                         (void);
gboolean      pv_sso_info_update_from_json            (PvSsoInfo  *self,
                                                       JsonObject *object,
                                                       GError     **error);
gboolean      pv_sso_info_get_configured              (PvSsoInfo *self);
const char *  pv_sso_info_get_protocol                (PvSsoInfo *self);
const char *  pv_sso_info_get_entity_id               (PvSsoInfo *self);
const char *  pv_sso_info_get_reply_url               (PvSsoInfo *self);
const char *  pv_sso_info_get_sign_on_url             (PvSsoInfo *self);
const char *  pv_sso_info_get_metadata_url            (PvSsoInfo *self);
const char *  pv_sso_info_get_idp_entity_id           (PvSsoInfo *self);
gboolean      pv_sso_info_get_enforced                (PvSsoInfo *self);
const char *  pv_sso_info_get_certificate_subject     (PvSsoInfo *self);
const char *  pv_sso_info_get_certificate_fingerprint (PvSsoInfo *self);
gint64        pv_sso_info_get_certificate_not_after   (PvSsoInfo *self);
PvExpiryState pv_sso_info_get_certificate_state       (PvSsoInfo *self);

G_END_DECLS
