/* pv-reminder-info.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

#define PV_TYPE_REMINDER_INFO (pv_reminder_info_get_type ())
G_DECLARE_FINAL_TYPE (PvReminderInfo, pv_reminder_info, PV, REMINDER_INFO, GObject)

PvReminderInfo * pv_reminder_info_new                   (void);
gboolean         pv_reminder_info_update_from_json      (PvReminderInfo *self,
                                                         JsonObject     *object,
                                                         GError         **error);
const char *     pv_reminder_info_get_subject           (PvReminderInfo *self);
const char *     pv_reminder_info_get_connection        (PvReminderInfo *self);
const char *     pv_reminder_info_get_token_id          (PvReminderInfo *self);
gint64           pv_reminder_info_get_expires_at        (PvReminderInfo *self);
gint64           pv_reminder_info_get_days_left         (PvReminderInfo *self);
PvExpiryState    pv_reminder_info_get_state             (PvReminderInfo *self);
gint             pv_reminder_info_get_crossed_threshold (PvReminderInfo *self);
gint64           pv_reminder_info_get_next_reminder_at  (PvReminderInfo *self);
gboolean         pv_reminder_info_get_due               (PvReminderInfo *self);

G_END_DECLS
