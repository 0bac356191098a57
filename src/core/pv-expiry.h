/* pv-expiry.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "pv-enums.h"

G_BEGIN_DECLS

/**
 * PvExpiryState:
 * @PV_EXPIRY_OK: nothing to do yet
 * @PV_EXPIRY_DUE_SOON: inside the first reminder threshold
 * @PV_EXPIRY_URGENT: inside the urgent window (a week by default)
 * @PV_EXPIRY_EXPIRED: provisioning with this token has stopped
 */
typedef enum {
  PV_EXPIRY_OK,
  PV_EXPIRY_DUE_SOON,
  PV_EXPIRY_URGENT,
  PV_EXPIRY_EXPIRED,
} PvExpiryState;

#define PV_EXPIRY_MAX_THRESHOLDS 10
#define PV_EXPIRY_MAX_THRESHOLD_DAYS 365
#define PV_EXPIRY_DEFAULT_THRESHOLDS "60,30,14,7,3,1"
#define PV_EXPIRY_DEFAULT_URGENT_DAYS 7
#define PV_SECONDS_PER_DAY ((gint64) 86400)

/**
 * PvExpiryPolicy:
 * @thresholds: reminder thresholds in days before expiry, strictly descending
 * @n_thresholds: how many of @thresholds are used (at least one)
 * @urgent_days: at or below this many days left a token is urgent
 *
 * When to remind an admin about a token.  A plain struct so that the server,
 * the CLI and the app compute the same answer from the same numbers.
 */
typedef struct {
  guint thresholds[PV_EXPIRY_MAX_THRESHOLDS];
  guint n_thresholds;
  guint urgent_days;
} PvExpiryPolicy;

void          pv_expiry_policy_init_default   (PvExpiryPolicy       *policy);
gboolean      pv_expiry_policy_set_thresholds (PvExpiryPolicy       *policy,
                                               const gint64         *days,
                                               gsize                 n_days,
                                               GError              **error);
gboolean      pv_expiry_policy_parse          (PvExpiryPolicy       *policy,
                                               const char           *text,
                                               GError              **error);
char         *pv_expiry_policy_to_string      (const PvExpiryPolicy *policy);

PvExpiryState pv_expiry_state                 (const PvExpiryPolicy *policy,
                                               gint64                expires_at,
                                               gint64                now);
PvExpiryState pv_expiry_state_refused         (PvExpiryState         state,
                                               gboolean              refused);
gint64        pv_expiry_days_left             (gint64                expires_at,
                                               gint64                now);
gint64        pv_expiry_next_change           (gint64                expires_at,
                                               gint64                now);
gint          pv_expiry_crossed_threshold     (const PvExpiryPolicy *policy,
                                               gint64                expires_at,
                                               gint64                now);
gint64        pv_expiry_next_reminder         (const PvExpiryPolicy *policy,
                                               gint64                expires_at,
                                               gint64                now);
const char   *pv_expiry_state_to_string       (PvExpiryState         state);
const char   *pv_expiry_state_to_label        (PvExpiryState         state);

G_END_DECLS
