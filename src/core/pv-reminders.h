/* pv-reminders.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-expiry.h"
#include "pv-tenant-info.h"

G_BEGIN_DECLS

/**
 * PvDueReminder:
 * @key: what it is about, stable: "TENANT/KIND/TOKEN-ID" or "TENANT/sso-certificate/DATE"
 * @tenant: (nullable): the tenant; %NULL for the Microsoft sign-in
 * @kind: (nullable): "users" or "persons"; %NULL for the SSO certificate
 * @threshold: the threshold crossed, in days; 0 once expired
 * @state: how pressing
 * @title: the notification's title, naming the app and the tenant
 * @body: its text: when, and what to do
 */
typedef struct {
  char          *key;
  PvTenantInfo  *tenant;
  char          *kind;
  gint           threshold;
  PvExpiryState  state;
  char          *title;
  char          *body;
} PvDueReminder;

void       pv_due_reminder_free    (PvDueReminder        *reminder);
GPtrArray *pv_reminders_due        (GListModel           *tenants,
                                    const PvExpiryPolicy *policy,
                                    gint64                now,
                                    GKeyFile             *sent);
GPtrArray *pv_reminders_due_for_tenant (PvTenantInfo   *tenant,
                                        const PvExpiryPolicy *policy,
                                        gint64          now,
                                        GKeyFile       *sent);
GPtrArray *pv_reminders_due_for_sign_in (gint64          lapses_at,
                                         const char     *account,
                                         const PvExpiryPolicy *policy,
                                         gint64          now,
                                         GKeyFile       *sent);
void       pv_reminders_mark_sent  (GKeyFile             *sent,
                                    const PvDueReminder  *reminder);
GFile     *pv_reminders_state_file (void);
guint      pv_reminders_send       (GApplication         *app,
                                    GPtrArray            *due,
                                    GKeyFile             *sent);

void       pv_reminders_timer_query_async  (GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean   pv_reminders_timer_query_finish (GAsyncResult        *result,
                                            GError             **error);
void       pv_reminders_timer_set_async    (gboolean             enable,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean   pv_reminders_timer_set_finish   (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
