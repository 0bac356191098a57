/* pv-reminder-cycle.h: the reminders due across every source, sent once
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-entra-session.h"
#include "pv-expiry.h"
#include "pv-tenant-list.h"

G_BEGIN_DECLS

GPtrArray *pv_reminders_collect      (PvTenantList         *tenants,
                                      PvEntraSession       *entra,
                                      const PvExpiryPolicy *override,
                                      gint64                now,
                                      GKeyFile             *sent);
GPtrArray *pv_reminders_collect_full (PvTenantList         *tenants,
                                      gint64                sign_in_lapses_at,
                                      const char           *account,
                                      GListModel           *saml,
                                      const PvExpiryPolicy *override,
                                      gint64                now,
                                      GKeyFile             *sent);
void       pv_reminders_cycle_async  (GApplication         *app,
                                      PvTenantList         *tenants,
                                      PvEntraSession       *entra,
                                      const PvExpiryPolicy *override,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean   pv_reminders_cycle_finish (GAsyncResult         *result,
                                      guint                *n_sent,
                                      GError              **error);

G_END_DECLS
