/* pvd-http.c: answers, their JSON and error formats (the API's and SCIM's), and request bodies
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-http"

#include "config.h"

#include <string.h>

#include "pv-json.h"
#include "pv-time.h"
#include "pvd-http.h"
#include "pvd-server-private.h"

/* Responses */

void
pvd_send_json (PvdMessage        *msg,
               guint              status,
               const char        *content_type,
               JsonNode          *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  pvd_send_json_text (msg, status, content_type, text, length);
}

/**
 * pvd_send_json_text:
 * @text: (transfer full): JSON that json-glib wrote, or that is made of
 *   such JSON (pvd-scim.c writes stored resources into its answers)
 *
 * Sends @text as pvd_send_json() sends a node's.
 */
void
pvd_send_json_text (PvdMessage        *msg,
                    guint              status,
                    const char        *content_type,
                    char              *text,
                    gsize              length)
{
  g_autoptr(GBytes) body = NULL;

  /* json-glib 1.6 writes U+001F unescaped, which RFC 8259 forbids; the byte
   * is nothing else in UTF-8, and only strings hold control characters. */
  if (memchr (text, 0x1f, length) != NULL)
    {
      GString *escaped = g_string_sized_new (length + 16);

      for (gsize i = 0; i < length; i++)
        {
          if (text[i] == 0x1f)
            g_string_append (escaped, "\\u001f");
          else
            g_string_append_c (escaped, text[i]);
        }
      g_free (text);
      length = escaped->len;
      text = g_string_free (escaped, FALSE);
    }
  body = g_bytes_new_take (text, length);
  pvd_message_set_response (msg, status, content_type ? content_type : "application/json", body);
}

/* An error answer: {"error": code, "message": text}, and the members
 * @add_extra adds (a refused token issue names the token concerned). */
static void
send_error_body (PvdMessage          *msg,
                 guint                status,
                 const char          *code,
                 const char          *message,
                 PvdErrorExtraFunc    add_extra,
                 gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  pvd_json_string (builder, "error", code);
  pvd_json_string (builder, "message", message);
  if (add_extra != NULL)
    add_extra (builder, user_data);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  if (status == 401)
    pvd_message_set_header (msg, "WWW-Authenticate", "Bearer realm=\"provisio\"");
  pvd_send_json (msg, status, NULL, root);
}

void
pvd_send_error (PvdMessage        *msg,
                guint              status,
                const char        *code,
                const char        *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  send_error_body (msg, status, code, message, NULL, NULL);
}

/**
 * pvd_send_store_error_full:
 * @add_extra: (nullable): adds members to the error object
 *
 * Answers with the status and error code of a store error.
 */
void
pvd_send_store_error_full (PvdMessage        *msg,
                           const GError      *error,
                           PvdErrorExtraFunc  add_extra,
                           gpointer           user_data)
{
  guint status = 0;
  const char *code = NULL;

  if (error->domain == PVD_ERROR)
    {
      switch ((PvdError) error->code)
        {
        case PVD_ERROR_NOT_FOUND:
          status = 404, code = "not_found";
          break;
        case PVD_ERROR_INVALID:
        case PVD_ERROR_EXISTS:
          status = 400, code = "invalid_request";
          break;
        case PVD_ERROR_TOKEN_LIMIT:
          status = 409, code = "token_limit_reached";
          break;
        case PVD_ERROR_TOKEN_IN_USE:
          status = 409, code = "token_in_use";
          break;
        case PVD_ERROR_REPLACEMENT_PENDING:
          status = 409, code = "replacement_pending";
          break;
        case PVD_ERROR_REPLACEMENT_IN_USE:
          status = 409, code = "replacement_in_use";
          break;
        case PVD_ERROR_REPLACEMENT_CHANGED:
          status = 409, code = "replacement_changed";
          break;
        case PVD_ERROR_ALREADY_ISSUED:
          status = 409, code = "already_issued";
          break;
        case PVD_ERROR_UNAUTHORIZED:
          status = 401, code = "unauthorized";
          break;
        case PVD_ERROR_KEY_EXPIRED:
          status = 401, code = "key_expired";
          break;
        case PVD_ERROR_UNAVAILABLE:
          /* The database's own words stay in the log. */
          g_warning ("%s", error->message);
          pvd_set_retry_after (msg, PVD_UNAVAILABLE_RETRY_AFTER);
          pvd_send_error (msg, 503, "unavailable", "The database is unavailable; try again shortly");
          return;
        case PVD_ERROR_DATABASE:
        default:
          break;
        }
    }
  if (code != NULL)
    {
      send_error_body (msg, status, code, error->message, add_extra, user_data);
      return;
    }
  g_warning ("Internal error: %s", error->message);
  pvd_send_error (msg, 500, "internal_error",
                  "The server could not complete the request; nothing was changed");
}

void
pvd_send_store_error (PvdMessage        *msg,
                      const GError      *error)
{
  pvd_send_store_error_full (msg, error, NULL, NULL);
}

/* JSON helpers */

void
pvd_json_time (JsonBuilder *builder,
               const char  *member,
               gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (value == 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = pv_time_format (value);
      json_builder_add_string_value (builder, text);
    }
}

void
pvd_json_string (JsonBuilder *builder,
                 const char  *member,
                 const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
pvd_json_int (JsonBuilder *builder,
              const char  *member,
              gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
pvd_json_bool (JsonBuilder *builder,
               const char  *member,
               gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

char *
pvd_scim_base_url (PvdServer  *self,
                   const char *slug,
                   const char *kind)
{
  return g_strdup_printf ("%s/t/%s/scim/%s/v2", self->options.public_url, slug, kind);
}

/**
 * pvd_bearer_token:
 * @msg: a request
 *
 * Returns: (transfer full) (nullable): the bearer token, or %NULL if the
 *   request has no `Authorization: Bearer` header
 */
char *
pvd_bearer_token (PvdMessage        *msg)
{
  const char *header = pvd_message_get_header (msg, "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  return g_strstrip (g_strdup (header));
}

void
pvd_set_retry_after (PvdMessage        *msg,
                     gint64             seconds)
{
  g_autofree char *header = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);

  pvd_message_set_header (msg, "Retry-After", header);
}

/* json-glib ends a string at an escaped NUL ("a\u0000b" reads as "a"), and
 * neither C strings nor the store could keep it: the member that holds one,
 * as a dotted path, or NULL.  @data has passed pv_json_precheck(). */
static char *
find_escaped_nul (const char *data,
                  gsize       length)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);   /* per object */

  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '{')
        g_ptr_array_add (keys, NULL);
      else if (data[i] == '}' && keys->len > 0)
        g_ptr_array_remove_index (keys, keys->len - 1);
      else if (data[i] == '"')
        {
          gsize start = ++i;
          gboolean nul = FALSE;
          gsize j;

          for (; i < length && data[i] != '"'; i++)
            if (data[i] == '\\')
              {
                nul = nul || (length - i >= 6 && memcmp (data + i, "\\u0000", 6) == 0);
                i++;
              }
          for (j = i + 1; j < length && g_ascii_isspace (data[j]); j++)
            ;
          if (j < length && data[j] == ':' && keys->len > 0)
            {
              g_free (keys->pdata[keys->len - 1]);
              keys->pdata[keys->len - 1] = nul ? g_strdup ("a member name")
                                               : g_strndup (data + start, i - start);
            }
          if (nul)
            {
              GString *path = g_string_new (NULL);

              for (guint k = 0; k < keys->len; k++)
                if (keys->pdata[k] != NULL)
                  g_string_append_printf (path, "%s%s", path->len ? "." : "", (char *) keys->pdata[k]);
              return g_string_free (path, FALSE);
            }
        }
    }
  return NULL;
}

/**
 * pvd_parse_body:
 * @data: (array length=length): a request body as the peer sent it
 * @length: its length, at most %PVD_MAX_BODY_SIZE
 * @error: a %G_IO_ERROR_INVALID_DATA whose message says what is wrong, for
 *   the answer; %G_IO_ERROR_INVALID_ARGUMENT for valid JSON with a string
 *   that cannot be kept whole (an escaped NUL), naming its member
 *
 * The strict reading of every JSON body, by the management API and the
 * SCIM endpoint: strict JSON (pv_json_parse()) whose root is an object.  It needs no request, so that the fuzz tests call it as is.
 *
 * Returns: (transfer full) (nullable): the body, a JSON object
 */
JsonNode *
pvd_parse_body (const char  *data,
                gsize        length,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = pv_json_parse (data, length, &local_error);

  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The body is not valid JSON%s%s",
                   *local_error->message ? ": " : "", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The body must be a JSON object");
      return NULL;
    }
  /* Nothing a client sends is changed without a word. */
  if (memchr (data, '\\', length) != NULL)
    {
      g_autofree char *where = find_escaped_nul (data, length);

      if (where != NULL)
        {
          if (*where == '\0')
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "The body holds a NUL character (\\u0000), which cannot be kept");
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "“%s” holds a NUL character (\\u0000), which cannot be kept", where);
          return NULL;
        }
    }
  return g_steal_pointer (&root);
}

/**
 * pvd_send_scim_error:
 * @scim_type: (nullable): the `scimType` of RFC 7644 §3.12
 *
 * Answers with a SCIM error body (RFC 7644 §3.12): the format of every
 * answer under /t/, the server's own limits included.
 */
void
pvd_send_scim_error (PvdMessage        *msg,
                     guint              status,
                     const char        *scim_type,
                     const char        *format,
                     ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *status_text = g_strdup_printf ("%u", status);
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schemas");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, PVD_SCIM_SCHEMA_ERROR);
  json_builder_end_array (b);
  pvd_json_string (b, "status", status_text);
  if (scim_type != NULL)
    pvd_json_string (b, "scimType", scim_type);
  pvd_json_string (b, "detail", detail);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  if (status == 401)
    pvd_message_set_header (msg, "WWW-Authenticate",
                            "Bearer realm=\"provisio\", error=\"invalid_token\"");
  pvd_send_json (msg, status, PVD_SCIM_CONTENT_TYPE, root);
}
