/* test-expiry.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "pv-expiry.h"

#define DAY PV_SECONDS_PER_DAY

static const gint64 NOW = 1795000000; /* 2026-11-18 */

static void
test_default_policy (void)
{
  PvExpiryPolicy p = { 0 };
  g_autofree char *text = NULL;

  pv_expiry_policy_init_default (&p);
  text = pv_expiry_policy_to_string (&p);
  g_assert_cmpstr (text, ==, "60,30,14,7,3,1");
  g_assert_cmpuint (p.urgent_days, ==, 7);
}

static void
test_parse (void)
{
  PvExpiryPolicy p = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (pv_expiry_policy_parse (&p, " 7, 90 ,30", &error));
  g_assert_no_error (error);
  text = pv_expiry_policy_to_string (&p);
  g_assert_cmpstr (text, ==, "90,30,7");

  /* Refused: p stays as it was. */
  g_assert_false (pv_expiry_policy_parse (&p, "30,30", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (pv_expiry_policy_parse (&p, "0", &error));
  g_clear_error (&error);
  g_assert_false (pv_expiry_policy_parse (&p, "366", &error));
  g_clear_error (&error);
  g_assert_false (pv_expiry_policy_parse (&p, "", &error));
  g_clear_error (&error);
  g_assert_false (pv_expiry_policy_parse (&p, "ten", &error));
  g_clear_error (&error);
  g_assert_false (pv_expiry_policy_parse (&p, "1,2,3,4,5,6,7,8,9,10,11", &error));
  g_clear_error (&error);
  g_clear_pointer (&text, g_free);
  text = pv_expiry_policy_to_string (&p);
  g_assert_cmpstr (text, ==, "90,30,7");
}

static void
test_days_left (void)
{
  g_assert_cmpint (pv_expiry_days_left (NOW + 9 * DAY, NOW), ==, 9);
  g_assert_cmpint (pv_expiry_days_left (NOW + 9 * DAY - 1, NOW), ==, 9);
  g_assert_cmpint (pv_expiry_days_left (NOW + 8 * DAY + 1, NOW), ==, 9);
  g_assert_cmpint (pv_expiry_days_left (NOW + 8 * DAY, NOW), ==, 8);
  g_assert_cmpint (pv_expiry_days_left (NOW + 1, NOW), ==, 1);
  g_assert_cmpint (pv_expiry_days_left (NOW, NOW), ==, 0);
  g_assert_cmpint (pv_expiry_days_left (NOW - 1, NOW), ==, -1);
  g_assert_cmpint (pv_expiry_days_left (NOW - DAY, NOW), ==, -1);
  g_assert_cmpint (pv_expiry_days_left (NOW - DAY - 1, NOW), ==, -2);
}

/* days_left <= N is the same statement as "the N-day threshold is crossed". */
static void
test_days_left_matches_thresholds (void)
{
  PvExpiryPolicy p = { 0 };
  const gint64 expires = NOW + 100 * DAY;

  pv_expiry_policy_init_default (&p);
  for (gint64 now = NOW; now < expires; now += 3607)
    {
      gint crossed = pv_expiry_crossed_threshold (&p, expires, now);
      gint64 days = pv_expiry_days_left (expires, now);

      for (guint i = 0; i < p.n_thresholds; i++)
        g_assert_cmpint (days <= p.thresholds[i], ==,
                         crossed >= 0 && (guint) crossed <= p.thresholds[i]);
    }
}

static void
test_states (void)
{
  PvExpiryPolicy p = { 0 };

  pv_expiry_policy_init_default (&p);
  g_assert_cmpint (pv_expiry_state (&p, NOW + 365 * DAY, NOW), ==, PV_EXPIRY_OK);
  g_assert_cmpint (pv_expiry_state (&p, NOW + 60 * DAY + 1, NOW), ==, PV_EXPIRY_OK);
  g_assert_cmpint (pv_expiry_state (&p, NOW + 60 * DAY, NOW), ==, PV_EXPIRY_DUE_SOON);
  g_assert_cmpint (pv_expiry_state (&p, NOW + 7 * DAY + 1, NOW), ==, PV_EXPIRY_DUE_SOON);
  g_assert_cmpint (pv_expiry_state (&p, NOW + 7 * DAY, NOW), ==, PV_EXPIRY_URGENT);
  g_assert_cmpint (pv_expiry_state (&p, NOW + 1, NOW), ==, PV_EXPIRY_URGENT);
  g_assert_cmpint (pv_expiry_state (&p, NOW, NOW), ==, PV_EXPIRY_EXPIRED);
  g_assert_cmpint (pv_expiry_state (&p, NOW - 400 * DAY, NOW), ==, PV_EXPIRY_EXPIRED);
  g_assert_cmpstr (pv_expiry_state_to_string (PV_EXPIRY_DUE_SOON), ==, "due-soon");
}

/* Walks through a token's last 61 days and checks the reminder due at each
 * threshold and the announcement of the next one. */
static void
test_thresholds (void)
{
  PvExpiryPolicy p = { 0 };
  const gint64 expires = NOW + 365 * DAY;

  pv_expiry_policy_init_default (&p);
  g_assert_cmpint (pv_expiry_crossed_threshold (&p, expires, NOW), ==, -1);
  g_assert_cmpint (pv_expiry_next_reminder (&p, expires, NOW), ==, expires - 60 * DAY);

  for (guint i = 0; i < p.n_thresholds; i++)
    {
      gint64 at = expires - p.thresholds[i] * DAY;
      gint expected_before = i == 0 ? -1 : (gint) p.thresholds[i - 1];
      gint64 next_after = i + 1 < p.n_thresholds ? expires - p.thresholds[i + 1] * DAY : expires;

      g_assert_cmpint (pv_expiry_crossed_threshold (&p, expires, at - 1), ==, expected_before);
      g_assert_cmpint (pv_expiry_next_reminder (&p, expires, at - 1), ==, at);
      g_assert_cmpint (pv_expiry_crossed_threshold (&p, expires, at), ==, p.thresholds[i]);
      g_assert_cmpint (pv_expiry_next_reminder (&p, expires, at), ==, next_after);
    }

  g_assert_cmpint (pv_expiry_crossed_threshold (&p, expires, expires), ==, -1);
  g_assert_cmpint (pv_expiry_next_reminder (&p, expires, expires), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expiry/default-policy", test_default_policy);
  g_test_add_func ("/expiry/parse", test_parse);
  g_test_add_func ("/expiry/days-left", test_days_left);
  g_test_add_func ("/expiry/days-left-matches-thresholds", test_days_left_matches_thresholds);
  g_test_add_func ("/expiry/states", test_states);
  g_test_add_func ("/expiry/thresholds", test_thresholds);

  return g_test_run ();
}
