/* pv-event-info.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

#define PV_TYPE_EVENT_INFO (pv_event_info_get_type ())
G_DECLARE_FINAL_TYPE (PvEventInfo, pv_event_info, PV, EVENT_INFO, GObject)

PvEventInfo * pv_event_info_new              (void);
gboolean      pv_event_info_update_from_json (PvEventInfo *self,
                                              JsonObject  *object,
                                              GError      **error);
gint64        pv_event_info_get_id           (PvEventInfo *self);
gint64        pv_event_info_get_at           (PvEventInfo *self);
const char *  pv_event_info_get_event_type   (PvEventInfo *self);
const char *  pv_event_info_get_token_id     (PvEventInfo *self);
const char *  pv_event_info_get_token_prefix (PvEventInfo *self);
const char *  pv_event_info_get_operation    (PvEventInfo *self);
gint          pv_event_info_get_status       (PvEventInfo *self);
const char *  pv_event_info_get_user_agent   (PvEventInfo *self);
const char *  pv_event_info_get_detail       (PvEventInfo *self);

G_END_DECLS
