/* pv-calendar.c: upcoming expiries as an iCalendar file (RFC 5545)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-calendar"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-calendar.h"
#include "pv-dates.h"
#include "pv-entra.h"
#include "pv-overview.h"

/* One all-day event per token and SSO certificate on the day it expires,
 * with an alarm at each reminder threshold, for admins whose reminders live
 * in their calendar.  UIDs are stable (the token's id, or the tenant's
 * certificate), so that importing again updates rather than duplicates. */

/* TEXT values: backslash, semicolon, comma and newlines escaped (3.3.11). */
static void
append_text (GString    *line,
             const char *text)
{
  for (const char *p = text; *p; p++)
    switch (*p)
      {
      case '\\':
      case ';':
      case ',':
        g_string_append_c (line, '\\');
        g_string_append_c (line, *p);
        break;
      case '\n':
        g_string_append (line, "\\n");
        break;
      case '\r':
        break;
      default:
        g_string_append_c (line, *p);
      }
}

/* Content lines end in CRLF and fold at 75 octets, never inside a UTF-8
 * character (3.1). */
static void
append_line (GString    *out,
             const char *line)
{
  gsize length = strlen (line);
  gsize start = 0;
  gsize limit = 75;

  while (length - start > limit)
    {
      gsize end = start + limit;

      while (end > start && (line[end] & 0xC0) == 0x80)
        end--;
      g_string_append_len (out, line + start, end - start);
      g_string_append (out, "\r\n ");
      start = end;
      limit = 74;   /* the leading space counts */
    }
  g_string_append (out, line + start);
  g_string_append (out, "\r\n");
}

static void
append_property (GString    *out,
                 const char *name,
                 const char *text)
{
  g_autoptr(GString) line = g_string_new (name);

  g_string_append_c (line, ':');
  append_text (line, text);
  append_line (out, line->str);
}

/**
 * pv_calendar_build:
 * @tenants: a list of #PvTenantInfo
 * @policy: the reminder thresholds, as alarms
 * @now: for DTSTAMP; expiries before it are left out
 *
 * Returns: (transfer full): the calendar, in UTF-8 with CRLF line ends
 */
char *
pv_calendar_build (GListModel           *tenants,
                   const PvExpiryPolicy *policy,
                   gint64                now)
{
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, policy, now);
  g_autoptr(GDateTime) stamp = g_date_time_new_from_unix_utc (now);
  g_autofree char *dtstamp = g_date_time_format (stamp, "%Y%m%dT%H%M%SZ");
  GString *out = g_string_new (NULL);

  append_line (out, "BEGIN:VCALENDAR");
  append_line (out, "VERSION:2.0");
  append_line (out, "PRODID:-//Provisio//Provisio " PACKAGE_VERSION "//EN");
  append_line (out, "CALSCALE:GREGORIAN");
  append_property (out, "X-WR-CALNAME", _("Provisio: token expiries"));

  for (guint i = 0; i < items->len; i++)
    {
      PvOverviewItem *item = g_ptr_array_index (items, i);
      g_autoptr(GDateTime) expires = NULL;
      g_autoptr(GDateTime) next_day = NULL;
      g_autofree char *date = NULL;
      g_autofree char *end = NULL;
      g_autofree char *uid = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *description = NULL;
      g_autofree char *when = NULL;
      g_autofree char *steps = NULL;

      if (item->expires_at == 0 || item->expires_at < now)
        continue;
      expires = pv_date_time_new_local (item->expires_at);
      next_day = g_date_time_add_days (expires, 1);
      date = g_date_time_format (expires, "%Y%m%d");
      end = g_date_time_format (next_day, "%Y%m%d");
      uid = item->key_id
            ? g_strdup_printf ("%s@%s.provisio", item->key_id, pv_tenant_info_get_id (item->tenant))
            : item->token_id
            ? g_strdup_printf ("%s@%s.provisio", item->token_id, pv_tenant_info_get_id (item->tenant))
            : g_strdup_printf ("sso-certificate-%s@%s.provisio", date, pv_tenant_info_get_id (item->tenant));
      when = pv_format_date (item->expires_at);
      /* Translators: a calendar event's title: "Contoso Ltd · Users · pvs_AbC123 expires" */
      summary = g_strdup_printf (_("%s expires"), item->label);
      if (item->key_id != NULL)
        /* Translators: a calendar event's description: the date */
        description = g_strdup_printf (_("Provisio's admin API key for this tenant expires on %s. Renew it before "
                                         "then on the tenant's page or with provisioctl tenant rotate-key."), when);
      else if (item->kind != NULL)
        /* Translators: a calendar event's description: the date, then where to renew */
        description = g_strdup_printf (_("Expires on %s. Renew it with Provisio before then and paste the new token "
                                         "into the identity provider's app for %s."),
                                       when, item->kind && g_str_equal (item->kind, "persons") ? _("Persons") : _("Users"));
      else if ((steps = pv_entra_saml_describe_steps (item->tenant)) != NULL)
        /* Translators: a calendar event's description: the date, then the numbered steps in Entra */
        description = g_strdup_printf (_("Microsoft Entra's SAML signing certificate for this app expires on %s. "
                                         "Before then, in the Entra admin center:\n%s"), when, steps);
      else
        description = g_strdup_printf (_("The identity provider's SAML signing certificate expires on %s. Renew it "
                                         "in the identity provider and update the tenant's SSO settings."), when);

      append_line (out, "BEGIN:VEVENT");
      append_property (out, "UID", uid);
      {
        g_autofree char *line = g_strconcat ("DTSTAMP:", dtstamp, NULL);
        g_autofree char *start = g_strconcat ("DTSTART;VALUE=DATE:", date, NULL);
        g_autofree char *stop = g_strconcat ("DTEND;VALUE=DATE:", end, NULL);

        append_line (out, line);
        append_line (out, start);
        append_line (out, stop);
      }
      append_property (out, "SUMMARY", summary);
      append_property (out, "DESCRIPTION", description);
      append_line (out, "TRANSP:TRANSPARENT");
      for (guint t = 0; t < policy->n_thresholds; t++)
        {
          g_autofree char *trigger = g_strdup_printf ("TRIGGER:-P%uD", policy->thresholds[t]);

          append_line (out, "BEGIN:VALARM");
          append_line (out, "ACTION:DISPLAY");
          append_line (out, trigger);
          append_property (out, "DESCRIPTION", summary);
          append_line (out, "END:VALARM");
        }
      append_line (out, "END:VEVENT");
    }
  append_line (out, "END:VCALENDAR");
  return g_string_free (out, FALSE);
}
