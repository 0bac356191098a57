/* pv-time.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-time"

#include "config.h"

#include <string.h>

#include "pv-time.h"

/**
 * pv_time_format:
 * @unix_time: seconds since the epoch
 *
 * Returns: (transfer full): RFC 3339 in UTC with a `Z`, as the management
 *   API and SCIM `meta` write every time
 */
char *
pv_time_format (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00Z");
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/**
 * pv_time_parse:
 * @text: an RFC 3339 date-time with a zone (`Z` or an offset)
 * @out_unix_time: (out): seconds since the epoch
 *
 * Returns: %TRUE if @text is a complete date-time with a zone
 */
gboolean
pv_time_parse (const char *text,
               gint64     *out_unix_time)
{
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (out_unix_time != NULL, FALSE);

  /* Without a zone the time would silently be read as local time. */
  if (text == NULL || strchr (text, 'T') == NULL ||
      !(g_str_has_suffix (text, "Z") || strchr (strchr (text, 'T'), '+') != NULL ||
        strchr (strchr (text, 'T'), '-') != NULL))
    return FALSE;

  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;

  *out_unix_time = g_date_time_to_unix (dt);
  return TRUE;
}
