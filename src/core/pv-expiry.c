/* pv-expiry.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-expiry"

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "pv-expiry.h"

/**
 * pv_expiry_policy_init_default:
 * @policy: (out caller-allocates): the policy to fill
 *
 * Fills @policy with the default schedule: 60, 30, 14, 7, 3 and 1 days
 * before expiry, urgent from 7 days.
 */
void
pv_expiry_policy_init_default (PvExpiryPolicy *policy)
{
  gboolean ok G_GNUC_UNUSED;

  g_return_if_fail (policy != NULL);

  ok = pv_expiry_policy_parse (policy, PV_EXPIRY_DEFAULT_THRESHOLDS, NULL);
  g_assert (ok);
}

static int
compare_descending (gconstpointer a,
                    gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x < y) - (x > y);
}

/**
 * pv_expiry_policy_set_thresholds:
 * @policy: the policy to change
 * @days: (array length=n_days): thresholds in days, in any order
 * @n_days: how many
 * @error: return location for a #G_IO_ERROR_INVALID_ARGUMENT
 *
 * Sets the reminder thresholds.  They must be 1 to 10 distinct whole numbers
 * of days between 1 and 365.  On error @policy is left as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
pv_expiry_policy_set_thresholds (PvExpiryPolicy  *policy,
                                 const gint64    *days,
                                 gsize            n_days,
                                 GError         **error)
{
  gint64 sorted[PV_EXPIRY_MAX_THRESHOLDS];

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (days != NULL || n_days == 0, FALSE);

  if (n_days == 0 || n_days > PV_EXPIRY_MAX_THRESHOLDS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Between 1 and %d reminder thresholds are needed, not %" G_GSIZE_FORMAT,
                   PV_EXPIRY_MAX_THRESHOLDS, n_days);
      return FALSE;
    }

  for (gsize i = 0; i < n_days; i++)
    {
      if (days[i] < 1 || days[i] > PV_EXPIRY_MAX_THRESHOLD_DAYS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "A reminder threshold must be between 1 and %d days, not %" G_GINT64_FORMAT,
                       PV_EXPIRY_MAX_THRESHOLD_DAYS, days[i]);
          return FALSE;
        }
      sorted[i] = days[i];
    }

  qsort (sorted, n_days, sizeof sorted[0], compare_descending);
  for (gsize i = 1; i < n_days; i++)
    {
      if (sorted[i] == sorted[i - 1])
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "The reminder threshold %" G_GINT64_FORMAT " days is given twice",
                       sorted[i]);
          return FALSE;
        }
    }

  for (gsize i = 0; i < n_days; i++)
    policy->thresholds[i] = (guint) sorted[i];
  policy->n_thresholds = n_days;
  if (policy->urgent_days == 0)
    policy->urgent_days = PV_EXPIRY_DEFAULT_URGENT_DAYS;

  return TRUE;
}

/**
 * pv_expiry_policy_parse:
 * @policy: the policy to change
 * @text: thresholds as a comma-separated list, such as "60,30,14,7,3,1"
 * @error: return location for a #G_IO_ERROR_INVALID_ARGUMENT
 *
 * Returns: %TRUE on success; on error @policy is left as it was
 */
gboolean
pv_expiry_policy_parse (PvExpiryPolicy  *policy,
                        const char      *text,
                        GError         **error)
{
  g_auto(GStrv) parts = NULL;
  gint64 days[PV_EXPIRY_MAX_THRESHOLDS];
  gsize n = 0;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  parts = g_strsplit (text, ",", -1);
  for (gsize i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      const char *part = g_strstrip (parts[i]);

      if (n == PV_EXPIRY_MAX_THRESHOLDS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "At most %d reminder thresholds are allowed",
                       PV_EXPIRY_MAX_THRESHOLDS);
          return FALSE;
        }
      if (!g_ascii_string_to_signed (part, 10, G_MININT64, G_MAXINT64,
                                     &days[n], &local_error))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not a number of days", part);
          return FALSE;
        }
      n++;
    }

  if (policy->urgent_days == 0)
    policy->urgent_days = PV_EXPIRY_DEFAULT_URGENT_DAYS;
  return pv_expiry_policy_set_thresholds (policy, days, n, error);
}

/**
 * pv_expiry_policy_to_string:
 * @policy: a policy
 *
 * Returns: (transfer full): the thresholds as "60,30,14,7,3,1"
 */
char *
pv_expiry_policy_to_string (const PvExpiryPolicy *policy)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < policy->n_thresholds; i++)
    g_string_append_printf (s, "%s%u", i ? "," : "", policy->thresholds[i]);
  return g_string_free (s, FALSE);
}

/**
 * pv_expiry_days_left:
 * @expires_at: expiry, seconds since the epoch
 * @now: the time to measure from
 *
 * Days left, counted as people count them: any part of a day is a day, so
 * a token with 6 days and 23 hours left "expires in 7 days", just as its
 * 7-day reminder is due.  That makes `days_left <= N` exactly "the N-day
 * threshold is crossed".  Once expired, the days since expiry, negative:
 * -1 during the first day after expiry.
 *
 * Returns: whole days left, rounded away from zero; 0 at the moment of expiry
 */
gint64
pv_expiry_days_left (gint64 expires_at,
                     gint64 now)
{
  gint64 left = expires_at - now;

  if (left < 0)
    return -((-left + PV_SECONDS_PER_DAY - 1) / PV_SECONDS_PER_DAY);
  return (left + PV_SECONDS_PER_DAY - 1) / PV_SECONDS_PER_DAY;
}

/**
 * pv_expiry_next_change:
 * @expires_at: expiry, seconds since the epoch
 * @now: the time to measure from
 *
 * The next moment after @now at which pv_expiry_days_left() of
 * @expires_at changes, and with it the state (its thresholds are whole
 * days before expiry) and every "expires in N days": what is computed
 * from an expiry holds until then.
 *
 * Returns: that moment, in @now's clock
 */
gint64
pv_expiry_next_change (gint64 expires_at,
                       gint64 now)
{
  gint64 rest = (expires_at - now) % PV_SECONDS_PER_DAY;

  /* The days left change when a whole number of days separates now from
   * the expiry, before it and after it. */
  if (rest <= 0)
    rest += PV_SECONDS_PER_DAY;
  return now + rest;
}

/**
 * pv_expiry_state:
 * @policy: the tenant's policy
 * @expires_at: expiry, seconds since the epoch
 * @now: the time to judge at
 *
 * Returns: how much attention the token needs at @now
 */
PvExpiryState
pv_expiry_state (const PvExpiryPolicy *policy,
                 gint64                expires_at,
                 gint64                now)
{
  gint64 left = expires_at - now;

  g_return_val_if_fail (policy != NULL && policy->n_thresholds > 0, PV_EXPIRY_OK);

  if (left <= 0)
    return PV_EXPIRY_EXPIRED;
  if (left <= policy->urgent_days * PV_SECONDS_PER_DAY)
    return PV_EXPIRY_URGENT;
  if (left <= policy->thresholds[0] * PV_SECONDS_PER_DAY)
    return PV_EXPIRY_DUE_SOON;
  return PV_EXPIRY_OK;
}

/**
 * pv_expiry_state_refused:
 * @state: a token's state by its dates (pv_expiry_state())
 * @refused: whether its vendor refused it at the last check
 *
 * A token its vendor refuses has stopped provisioning whatever its dates
 * say: it is urgent at least.
 *
 * Returns: the state to show
 */
PvExpiryState
pv_expiry_state_refused (PvExpiryState state,
                         gboolean      refused)
{
  return refused ? MAX (state, PV_EXPIRY_URGENT) : state;
}

/**
 * pv_expiry_crossed_threshold:
 * @policy: the tenant's policy
 * @expires_at: expiry, seconds since the epoch
 * @now: the time to judge at
 *
 * The reminder that is due at @now: the smallest threshold already crossed.
 * A threshold of N days is crossed when N × 24 hours or less are left.
 *
 * Returns: the threshold in days, or -1 if none is crossed yet or the token
 *   has expired
 */
gint
pv_expiry_crossed_threshold (const PvExpiryPolicy *policy,
                             gint64                expires_at,
                             gint64                now)
{
  gint64 left = expires_at - now;

  g_return_val_if_fail (policy != NULL, -1);

  if (left <= 0)
    return -1;
  for (gint i = (gint) policy->n_thresholds - 1; i >= 0; i--)
    if (left <= policy->thresholds[i] * PV_SECONDS_PER_DAY)
      return (gint) policy->thresholds[i];
  return -1;
}

/**
 * pv_expiry_next_reminder:
 * @policy: the tenant's policy
 * @expires_at: expiry, seconds since the epoch
 * @now: the time to judge at
 *
 * Returns: when the next threshold will be crossed (seconds since the epoch),
 *   @expires_at itself once every threshold is behind, or 0 once expired
 */
gint64
pv_expiry_next_reminder (const PvExpiryPolicy *policy,
                         gint64                expires_at,
                         gint64                now)
{
  g_return_val_if_fail (policy != NULL, 0);

  if (expires_at <= now)
    return 0;
  for (guint i = 0; i < policy->n_thresholds; i++)
    {
      gint64 at = expires_at - policy->thresholds[i] * PV_SECONDS_PER_DAY;

      if (at > now)
        return at;
    }
  return expires_at;
}

/**
 * pv_expiry_state_to_string:
 * @state: a state
 *
 * Returns: (transfer none): the state as the management API spells it
 */
const char *
pv_expiry_state_to_string (PvExpiryState state)
{
  static GEnumClass *klass;
  GEnumValue *value;

  /* The GEnum's nicks (pv-enums.c, from pv-expiry.h) are the API's
   * spelling: "ok", "due-soon", "urgent", "expired". */
  if (g_once_init_enter (&klass))
    g_once_init_leave (&klass, g_type_class_ref (PV_TYPE_EXPIRY_STATE));
  value = g_enum_get_value (klass, state);
  g_return_val_if_fail (value != NULL, NULL);
  return value->value_nick;
}

/**
 * pv_expiry_state_to_label:
 * @state: a state
 *
 * Returns: (transfer none): the state for people, translated
 */
const char *
pv_expiry_state_to_label (PvExpiryState state)
{
  switch (state)
    {
    case PV_EXPIRY_OK:
      /* Translators: a token's state */
      return _("OK");
    case PV_EXPIRY_DUE_SOON:
      /* Translators: a token's state */
      return _("Due soon");
    case PV_EXPIRY_URGENT:
      /* Translators: a token's state */
      return _("Urgent");
    case PV_EXPIRY_EXPIRED:
      /* Translators: a token's state */
      return _("Expired");
    default:
      g_return_val_if_reached (NULL);
    }
}
