/* pv-dates.c: the one wording of dates, spans and days left
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-dates"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-dates.h"
#include "pv-expiry.h"

/**
 * pv_format_days_left:
 *
 * The one wording of "N days" everywhere.  Before expiry any part of a day
 * counts as a day (6 days and 2 hours left: "expires in 7 days", as the
 * 7-day reminder is due, pv_expiry_days_left()); after it, whole days
 * gone by (3 days and 2 hours ago: "expired 3 days ago"; within the first
 * day "expired today"), so that a page shown a second later says the same.
 *
 * Returns: (transfer full): "expires in 9 days", "expired today", "expired 3 days ago"
 */
char *
pv_format_days_left (gint64 expires_at,
                     gint64 now)
{
  gint64 days = pv_expiry_days_left (expires_at, now);

  if (expires_at <= now)
    {
      gint64 ago = (now - expires_at) / PV_SECONDS_PER_DAY;

      if (ago <= 0)
        return g_strdup (_("expired today"));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expired %d day ago", "expired %d days ago", ago),
                              (int) ago);
    }
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expires in %d day", "expires in %d days", days),
                          (int) days);
}

/**
 * pv_format_relative:
 *
 * Returns: (transfer full): "3 minutes ago", "2 days ago", "in 5 hours"
 */
char *
pv_format_relative (gint64 when,
                    gint64 now)
{
  gint64 delta = now - when;
  gint64 span = ABS (delta);
  gint64 n;

  if (span < 60)
    return g_strdup (_("just now"));
  if (span < 3600)
    {
      n = span / 60;
      return g_strdup_printf (delta > 0 ? g_dngettext (GETTEXT_PACKAGE, "%d minute ago",
                                                       "%d minutes ago", n)
                                        : g_dngettext (GETTEXT_PACKAGE, "in %d minute",
                                                       "in %d minutes", n), (int) n);
    }
  if (span < 86400)
    {
      n = span / 3600;
      return g_strdup_printf (delta > 0 ? g_dngettext (GETTEXT_PACKAGE, "%d hour ago",
                                                       "%d hours ago", n)
                                        : g_dngettext (GETTEXT_PACKAGE, "in %d hour",
                                                       "in %d hours", n), (int) n);
    }
  n = span / 86400;
  return g_strdup_printf (delta > 0 ? g_dngettext (GETTEXT_PACKAGE, "%d day ago",
                                                   "%d days ago", n)
                                    : g_dngettext (GETTEXT_PACKAGE, "in %d day",
                                                   "in %d days", n), (int) n);
}

G_LOCK_DEFINE_STATIC (local_zone);

/**
 * pv_date_time_new_local:
 * @when: seconds since the epoch
 *
 * As g_date_time_new_from_unix_local(), without reading the time zone
 * again each time.  GLib 2.74 keeps the local zone only while `TZ` is set:
 * unset, as on most desktops, each call reads and parses /etc/localtime,
 * 7 µs that a thousand dates on the overview paid at every update.  The
 * zone is kept here for as long as `TZ` says the same.
 *
 * Returns: (transfer full) (nullable): @when in the local time zone, or
 *   %NULL if it is out of #GDateTime's range
 */
GDateTime *
pv_date_time_new_local (gint64 when)
{
  static GTimeZone *zone;
  static char *zone_tz;
  const char *tz = g_getenv ("TZ");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (when);
  GDateTime *local;

  if (utc == NULL)
    return NULL;
  G_LOCK (local_zone);
  if (zone == NULL || g_strcmp0 (tz, zone_tz) != 0)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      g_free (zone_tz);
      zone = g_time_zone_new_local ();
      zone_tz = g_strdup (tz);
    }
  local = g_date_time_to_timezone (utc, zone);
  G_UNLOCK (local_zone);
  return local;
}

/**
 * pv_format_date:
 *
 * Returns: (transfer full): the local date and time, in the user's locale
 */
char *
pv_format_date (gint64 when)
{
  g_autoptr(GDateTime) dt = pv_date_time_new_local (when);

  /* Translators: a date and time, see g_date_time_format() */
  return dt ? g_date_time_format (dt, _("%-d %B %Y, %H:%M")) : g_strdup ("—");
}
