/* test-dates.c: pv-dates, the one wording of spans and dates (the days
 * left are in test-overview.c, beside the states they go with)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "pv-dates.h"

static const gint64 NOW = 1795000000; /* 2026-11-18 */

/* "Last used 3 minutes ago", "next check in 5 hours": the unit is the
 * largest whole one, rounded down, on either side of now. */
static void
test_relative (void)
{
  const struct { gint64 offset; const char *text; } cases[] = {
    { 0, "just now" },
    { -59, "just now" },
    { 59, "just now" },
    { -60, "1 minute ago" },
    { -(3 * 60 + 59), "3 minutes ago" },
    { 3 * 60, "in 3 minutes" },
    { -3599, "59 minutes ago" },
    { -3600, "1 hour ago" },
    { 5 * 3600 + 3599, "in 5 hours" },
    { -86399, "23 hours ago" },
    { -86400, "1 day ago" },
    { 2 * 86400 + 1, "in 2 days" },
    { -400 * 86400, "400 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pv_format_relative (NOW + cases[i].offset, NOW);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* In the local time zone; never NULL, even for a time GLib cannot hold. */
static void
test_date (void)
{
  g_autofree char *date = pv_format_date (1796256000); /* 2026-12-03T00:00:00Z */
  g_autofree char *summer = pv_format_date (1783072800); /* 2026-07-03T10:00:00Z */
  g_autofree char *beyond = pv_format_date (G_MAXINT64);

  g_assert_cmpstr (date, ==, "3 December 2026, 01:00");
  g_assert_cmpstr (summer, ==, "3 July 2026, 12:00");
  g_assert_cmpstr (beyond, ==, "—");
}

/* The local zone is kept between calls, and follows TZ when it changes. */
static void
test_local_zone (void)
{
  g_autoptr(GDateTime) cet = NULL;
  g_autoptr(GDateTime) tokyo = NULL;
  g_autoptr(GDateTime) back = NULL;
  g_autofree char *date = NULL;

  cet = pv_date_time_new_local (1796256000);
  g_assert_cmpint (g_date_time_get_hour (cet), ==, 1);
  g_assert_cmpint (g_date_time_to_unix (cet), ==, 1796256000);

  g_setenv ("TZ", "JST-9", TRUE);
  tokyo = pv_date_time_new_local (1796256000);
  g_assert_cmpint (g_date_time_get_hour (tokyo), ==, 9);
  date = pv_format_date (1783072800);
  g_assert_cmpstr (date, ==, "3 July 2026, 19:00");

  g_setenv ("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", TRUE);
  back = pv_date_time_new_local (1783072800);
  g_assert_cmpint (g_date_time_get_hour (back), ==, 12);
  g_assert_null (pv_date_time_new_local (G_MAXINT64));
}

int
main (int   argc,
      char *argv[])
{
  /* Central European time as a POSIX rule (no tzdata needed): the local
   * zone is used, with its summer time */
  g_setenv ("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", TRUE);
  g_setenv ("LC_ALL", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dates/relative", test_relative);
  g_test_add_func ("/dates/date", test_date);
  g_test_add_func ("/dates/local-zone", test_local_zone);
  return g_test_run ();
}
