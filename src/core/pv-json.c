/* pv-json.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-json"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "pv-json.h"
#include "pv-time.h"

/**
 * pv_json_precheck:
 * @data: (array length=length): text from a peer
 *
 * json-glib 1.6 is lenient where RFC 8259 is not (single quotes, comments,
 * leading zeros, hexadecimal numbers) and recurses once per nesting level.
 * This pass over the tokens outside strings keeps both out: what it lets
 * through, json-glib parses as the RFC does.
 *
 * Returns: %FALSE if @data is certainly not RFC 8259 JSON or nests deeper
 *   than %PV_JSON_MAX_DEPTH
 */
gboolean
pv_json_precheck (const char *data,
                  gsize       length)
{
  guint depth = 0;
  gsize i = 0;

  while (i < length)
    {
      char c = data[i];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':')
        i++;
      else if (c == '{' || c == '[')
        {
          if (++depth > PV_JSON_MAX_DEPTH)
            return FALSE;
          i++;
        }
      else if (c == '}' || c == ']')
        {
          if (depth == 0)
            return FALSE;
          depth--;
          i++;
        }
      else if (c == '"')
        {
          for (i++; i < length && data[i] != '"'; i++)
            {
              if ((guchar) data[i] < 0x20)
                return FALSE;
              if (data[i] == '\\')
                {
                  if (i + 1 >= length || strchr ("\"\\/bfnrtu", data[i + 1]) == NULL)
                    return FALSE;
                  if (data[i + 1] == 'u')
                    {
                      if (i + 5 >= length || !g_ascii_isxdigit (data[i + 2]) || !g_ascii_isxdigit (data[i + 3]) ||
                          !g_ascii_isxdigit (data[i + 4]) || !g_ascii_isxdigit (data[i + 5]))
                        return FALSE;
                      i += 4;
                    }
                  i++;
                }
            }
          if (i >= length)
            return FALSE;
          i++;
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          if (c == '-')
            i++;
          if (i >= length || !g_ascii_isdigit (data[i]))
            return FALSE;
          /* no leading zeros */
          if (data[i] == '0' && i + 1 < length && g_ascii_isdigit (data[i + 1]))
            return FALSE;
          while (i < length && g_ascii_isdigit (data[i]))
            i++;
          if (i < length && data[i] == '.')
            {
              if (++i >= length || !g_ascii_isdigit (data[i]))
                return FALSE;
              while (i < length && g_ascii_isdigit (data[i]))
                i++;
            }
          if (i < length && (data[i] == 'e' || data[i] == 'E'))
            {
              i++;
              if (i < length && (data[i] == '+' || data[i] == '-'))
                i++;
              if (i >= length || !g_ascii_isdigit (data[i]))
                return FALSE;
              while (i < length && g_ascii_isdigit (data[i]))
                i++;
            }
        }
      else if (length - i >= 4 && (memcmp (data + i, "true", 4) == 0 || memcmp (data + i, "null", 4) == 0))
        i += 4;
      else if (length - i >= 5 && memcmp (data + i, "false", 5) == 0)
        i += 5;
      else
        return FALSE;
    }
  return TRUE;
}

/**
 * pv_json_parse:
 * @data: (array length=length): text from a peer
 * @error: a %JSON_PARSER_ERROR, or %G_IO_ERROR_INVALID_DATA with no
 *   message worth showing if pv_json_precheck() or UTF-8 refused it
 *
 * Reads JSON from a peer strictly: pv_json_precheck(), valid UTF-8, then
 * json-glib.  provisiod reads request bodies through it, and the fuzz
 * tests feed it what a peer could send.
 *
 * Returns: (transfer full) (nullable): the root node
 */
JsonNode *
pv_json_parse (const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;

  if (length == 0 || !pv_json_precheck (data, length) || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "");
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;
  /* json-glib reads white space alone as a document without a root */
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/**
 * pv_json_builder_add_time:
 * @when: a Unix time, or 0 for JSON null
 *
 * Adds @member as RFC 3339 UTC, as the management API writes times.
 */
void
pv_json_builder_add_time (JsonBuilder *builder,
                          const char  *member,
                          gint64       when)
{
  json_builder_set_member_name (builder, member);
  if (when != 0)
    {
      g_autofree char *text = pv_time_format (when);
      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

/**
 * pv_json_builder_add_string:
 * @value: (nullable): the string, or %NULL for JSON null
 */
void
pv_json_builder_add_string (JsonBuilder *builder,
                            const char  *member,
                            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
