/* pv-tracked-app.c: apps whose tokens Provisio tracks without an API
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tracked-app"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "pv-error.h"
#include "pv-files.h"
#include "pv-json.h"
#include "pv-profiles.h"
#include "pv-time.h"
#include "pv-tls.h"
#include "pv-tracked-app.h"

/* The apps an admin provisions whose vendor issues tokens in a web console
 * with no API to read them: what is known of each token (its dates, where
 * the expiry comes from) is in $XDG_CONFIG_HOME/provisio/apps.ini,
 *
 *   [app timly]
 *   name=Timly
 *   vendor=timly
 *   demo=true                          (optional: the demo's)
 *   users-url=https://…
 *   users-issued=2026-01-05T00:00:00Z
 *   users-expires=2027-01-05T00:00:00Z
 *   users-expiry-source=lifetime       (jwt, lifetime or entered)
 *   users-token=keyring                (optional: the token is in the keyring)
 *   users-pending-since=…              (optional: a pasted token not yet handed over,
 *   users-pending-issued=…              its dates and their source, recorded
 *   users-pending-expires=…             once the identity provider has it,
 *   users-pending-expiry-source=jwt     and when it was handed to Entra
 *   users-sent=…                        through Graph)
 *
 * and the tokens themselves only in the keyring.  For the dashboard, the
 * reminders, the calendar and provisioctl a tracked app is one more
 * PvTenantInfo: pv_tracked_app_to_state() says what it knows in the shape
 * of a tenant's state, so that every view treats both sources alike. */

#define MAX_TOKEN_LENGTH 16384

void
pv_tracked_app_free (PvTrackedApp *app)
{
  if (app == NULL)
    return;
  g_free (app->id);
  g_free (app->name);
  g_free (app->vendor);
  g_clear_pointer (&app->connections, g_ptr_array_unref);
  g_free (app);
}

static void
tracked_connection_free (PvTrackedConnection *connection)
{
  g_free (connection->kind);
  g_free (connection->scim_base_url);
  g_free (connection);
}

/**
 * pv_tracked_app_new:
 *
 * Returns: (transfer full): an app with no connection yet
 */
PvTrackedApp *
pv_tracked_app_new (const char *id,
                    const char *name,
                    const char *vendor)
{
  PvTrackedApp *app = g_new0 (PvTrackedApp, 1);

  app->id = g_strdup (id);
  app->name = g_strdup (name);
  app->vendor = g_strdup (vendor);
  app->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) tracked_connection_free);
  return app;
}

/**
 * pv_tracked_app_add_connection:
 *
 * Returns: (transfer none): the new connection, without dates
 */
PvTrackedConnection *
pv_tracked_app_add_connection (PvTrackedApp *app,
                               const char   *kind,
                               const char   *scim_base_url)
{
  PvTrackedConnection *connection = g_new0 (PvTrackedConnection, 1);

  connection->kind = g_strdup (kind);
  connection->scim_base_url = g_strdup (scim_base_url);
  g_ptr_array_add (app->connections, connection);
  return connection;
}

/**
 * pv_tracked_app_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection of @kind
 */
PvTrackedConnection *
pv_tracked_app_get_connection (PvTrackedApp *app,
                               const char   *kind)
{
  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *connection = g_ptr_array_index (app->connections, i);

      if (g_strcmp0 (connection->kind, kind) == 0)
        return connection;
    }
  return NULL;
}

/**
 * pv_tracked_app_credential_id:
 *
 * Returns: (transfer full): what the keyring files the token of @kind
 *   under, "app:ID/KIND", apart from the tenants' ids
 */
char *
pv_tracked_app_credential_id (const PvTrackedApp *app,
                              const char         *kind)
{
  return g_strdup_printf ("app:%s/%s", app->id, kind);
}

const char *
pv_expiry_source_to_string (PvExpirySource source)
{
  static const char *names[] = { "unknown", "jwt", "lifetime", "entered" };

  g_return_val_if_fail (source <= PV_EXPIRY_SOURCE_ENTERED, NULL);
  return names[source];
}

/**
 * pv_expiry_source_to_label:
 *
 * Returns: where the expiry date comes from, for people
 */
const char *
pv_expiry_source_to_label (PvExpirySource source)
{
  switch (source)
    {
    case PV_EXPIRY_SOURCE_JWT:
      /* Translators: where a token's expiry date comes from */
      return _("from the token itself");
    case PV_EXPIRY_SOURCE_LIFETIME:
      /* Translators: where a token's expiry date comes from */
      return _("from the vendor's token lifetime");
    case PV_EXPIRY_SOURCE_ENTERED:
      /* Translators: where a token's expiry date comes from */
      return _("as entered");
    case PV_EXPIRY_SOURCE_UNKNOWN:
    default:
      return _("unknown");
    }
}

static PvExpirySource
expiry_source_from_string (const char *text)
{
  for (PvExpirySource s = PV_EXPIRY_SOURCE_JWT; s <= PV_EXPIRY_SOURCE_ENTERED; s++)
    if (g_strcmp0 (text, pv_expiry_source_to_string (s)) == 0)
      return s;
  return PV_EXPIRY_SOURCE_UNKNOWN;
}

/**
 * pv_tracked_app_check_url:
 *
 * A token goes to a vendor's SCIM endpoint only over HTTPS; plain HTTP only
 * to this computer (loopback), as for tenants.
 *
 * Returns: whether @url may be a tracked connection's SCIM base URL
 */
gboolean
pv_tracked_app_check_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("“%s” is not a web address; the SCIM base URL looks like https://example.com/scim/v2"),
                   url ? url : "");
      return FALSE;
    }
  if (pv_tls_url_is_insecure (url))
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("“%s” is not HTTPS: a token goes over plain HTTP only to this computer"), url);
      return FALSE;
    }
  return TRUE;
}

/**
 * pv_tracked_token_clean:
 * @pasted: a token as pasted, maybe with spaces or a line break around it
 *
 * Returns: (transfer full): the token, trimmed, or %NULL with an error if
 *   it cannot be a bearer token (white space inside, control characters,
 *   too short or too long); free it with pv_secret_free()
 */
char *
pv_tracked_token_clean (const char  *pasted,
                        GError     **error)
{
  g_autofree char *token = g_strstrip (g_strdup (pasted ? pasted : ""));
  gsize length = strlen (token);
  char *clean;

  if (length == 0)
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST, _("Paste the token the vendor made"));
      return NULL;
    }
  for (gsize i = 0; i < length; i++)
    if (token[i] <= ' ' || token[i] >= 0x7f)
      {
        explicit_bzero (token, length);
        g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                     _("The pasted text has spaces, line breaks or other characters inside: a token is one "
                       "word; copy it again with the vendor's copy button"));
        return NULL;
      }
  if (length < 8 || length > MAX_TOKEN_LENGTH)
    {
      explicit_bzero (token, length);
      g_set_error_literal (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                           length < 8 ? _("The pasted text is too short to be a token; copy the whole token again")
                                      : _("The pasted text is too long to be a token; copy only the token"));
      return NULL;
    }
  clean = g_steal_pointer (&token);
  return clean;
}

/* base64url without padding, as JWTs encode their parts */
static GBytes *
base64url_decode (const char *part,
                  gsize       length)
{
  g_autoptr(GString) s = g_string_new_len (part, length);
  guchar *data;
  gsize size;

  for (gsize i = 0; i < s->len; i++)
    {
      if (s->str[i] == '-')
        s->str[i] = '+';
      else if (s->str[i] == '_')
        s->str[i] = '/';
      else if (!g_ascii_isalnum (s->str[i]))
        return NULL;
    }
  while (s->len % 4 != 0)
    g_string_append_c (s, '=');
  data = g_base64_decode (s->str, &size);
  return g_bytes_new_take (data, size);
}

static JsonObject *
decode_part (const char *part,
             gsize       length)
{
  g_autoptr(GBytes) bytes = base64url_decode (part, length);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size;
  const char *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  JsonNode *root;

  if (data == NULL || size == 0 || !g_utf8_validate_len (data, size, NULL) ||
      !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static gboolean
read_claim (JsonObject *claims,
            const char *name,
            gint64     *out)
{
  /* Seconds since the epoch (RFC 7519 §2, NumericDate), up to the end of
   * year 9999: anything else is no date, and @out is left alone. */
  const double last = 253402300799.0;
  JsonNode *node = json_object_get_member (claims, name);
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    return FALSE;
  if (!(value >= 1.0 && value <= last))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

/**
 * pv_jwt_read_times:
 * @token: a token, trimmed
 * @issued_at: (out): its `iat` claim, or 0
 * @expires_at: (out): its `exp` claim, or 0 if @token is not a JWT
 *
 * Reads the dates of a JSON Web Token (RFC 7519) without checking its
 * signature: only the vendor can, and the dates are all Provisio needs.
 *
 * Returns: %TRUE if @token is not a JWT (both 0) or a JWT with an `exp`;
 *   %FALSE with an error for a JWT without one
 */
gboolean
pv_jwt_read_times (const char  *token,
                   gint64      *issued_at,
                   gint64      *expires_at,
                   GError     **error)
{
  const char *dot1 = strchr (token, '.');
  const char *dot2 = dot1 ? strchr (dot1 + 1, '.') : NULL;
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) claims = NULL;

  *issued_at = *expires_at = 0;
  if (dot1 == NULL || dot2 == NULL || strchr (dot2 + 1, '.') != NULL ||
      (header = decode_part (token, dot1 - token)) == NULL || !json_object_has_member (header, "alg"))
    return TRUE;
  claims = decode_part (dot1 + 1, dot2 - dot1 - 1);
  if (claims == NULL || !read_claim (claims, "exp", expires_at))
    {
      *expires_at = 0;
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("The token is a JWT without an expiry date (exp): enter the date the vendor gives"));
      return FALSE;
    }
  read_claim (claims, "iat", issued_at);
  return TRUE;
}

/**
 * pv_tracked_connection_set_dates:
 * @vendor: the app's vendor
 * @token: (nullable): the token, trimmed, if the admin gave it
 * @issued_at: when it was made, or 0 for @now
 * @entered_expiry: the expiry the admin entered, or 0
 *
 * Sets the token's dates from the best source there is: the token's own
 * `exp` claim if it is a JWT; else the vendor's lifetime from the day it
 * was made; else the date entered.  On error @connection is left as it was.
 *
 * Returns: %FALSE with an error if no date can be known, or the token
 *   has expired already
 */
gboolean
pv_tracked_connection_set_dates (PvTrackedConnection *connection,
                                 const PvVendor      *vendor,
                                 const char          *token,
                                 gint64               issued_at,
                                 gint64               entered_expiry,
                                 gint64               now,
                                 GError             **error)
{
  gint64 jwt_issued = 0, jwt_expires = 0, expires_at;
  PvExpirySource source;

  if (token != NULL && !pv_jwt_read_times (token, &jwt_issued, &jwt_expires, error))
    return FALSE;
  if (token != NULL && jwt_expires == 0 && g_strcmp0 (vendor->token_format, "jwt") == 0)
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("%s makes JSON Web Tokens, and this is not one: copy the whole token again"), vendor->name);
      return FALSE;
    }
  if (issued_at == 0)
    issued_at = jwt_issued != 0 ? jwt_issued : now;

  if (jwt_expires != 0)
    expires_at = jwt_expires, source = PV_EXPIRY_SOURCE_JWT;
  else if (vendor->lifetime_days != 0)
    expires_at = issued_at + vendor->lifetime_days * PV_SECONDS_PER_DAY, source = PV_EXPIRY_SOURCE_LIFETIME;
  else if (entered_expiry != 0)
    expires_at = entered_expiry, source = PV_EXPIRY_SOURCE_ENTERED;
  else
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("%s does not say how long its tokens last: enter the expiry date"), vendor->name);
      return FALSE;
    }
  if (expires_at <= now)
    {
      g_autofree char *when = pv_time_format (expires_at);

      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("This token expired on %s (%s): make a new one in the vendor's console"), when,
                   pv_expiry_source_to_label (source));
      return FALSE;
    }
  if (expires_at <= issued_at)
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST, _("The token cannot expire before it was made"));
      return FALSE;
    }
  connection->issued_at = issued_at;
  connection->expires_at = expires_at;
  connection->source = source;
  return TRUE;
}

/* apps.ini */

static const char *kinds[] = { "users", "persons", NULL };

static gboolean
read_time_key (GKeyFile    *keyfile,
               const char  *group,
               const char  *key,
               gint64      *out)
{
  g_autofree char *text = g_key_file_get_string (keyfile, group, key, NULL);

  *out = 0;
  return text == NULL || pv_time_parse (text, out);
}

/**
 * pv_tracked_apps_parse:
 * @data: (array length=length): apps.ini's text
 *
 * Returns: (transfer full) (element-type PvTrackedApp): the apps, in file
 *   order, or %NULL with an error naming what is damaged
 */
GPtrArray *
pv_tracked_apps_parse (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_tracked_app_free);
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_data (keyfile, data, length, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The app list is damaged: %s"), local->message);
      return NULL;
    }
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *id = groups[i] + strlen ("app ");
      g_autofree char *name = NULL;
      g_autofree char *vendor = NULL;
      g_autoptr(PvTrackedApp) app = NULL;

      if (!g_str_has_prefix (groups[i], "app ") || !pv_profile_id_is_valid (id))
        continue;
      name = g_key_file_get_string (keyfile, groups[i], "name", NULL);
      vendor = g_key_file_get_string (keyfile, groups[i], "vendor", NULL);
      app = pv_tracked_app_new (id, name ? name : id, vendor ? vendor : "other");
      app->demo = g_key_file_get_boolean (keyfile, groups[i], "demo", NULL);
      for (guint k = 0; kinds[k]; k++)
        {
          g_autofree char *url_key = g_strconcat (kinds[k], "-url", NULL);
          g_autofree char *url = g_key_file_get_string (keyfile, groups[i], url_key, NULL);
          g_autofree char *issued_key = g_strconcat (kinds[k], "-issued", NULL);
          g_autofree char *expires_key = g_strconcat (kinds[k], "-expires", NULL);
          g_autofree char *source_key = g_strconcat (kinds[k], "-expiry-source", NULL);
          g_autofree char *source = g_key_file_get_string (keyfile, groups[i], source_key, NULL);
          g_autofree char *token_key = g_strconcat (kinds[k], "-token", NULL);
          g_autofree char *token = g_key_file_get_string (keyfile, groups[i], token_key, NULL);
          g_autofree char *pending_key = g_strconcat (kinds[k], "-pending-since", NULL);
          g_autofree char *pending_issued_key = g_strconcat (kinds[k], "-pending-issued", NULL);
          g_autofree char *pending_expires_key = g_strconcat (kinds[k], "-pending-expires", NULL);
          g_autofree char *pending_source_key = g_strconcat (kinds[k], "-pending-expiry-source", NULL);
          g_autofree char *pending_source = g_key_file_get_string (keyfile, groups[i], pending_source_key, NULL);
          g_autofree char *sent_key = g_strconcat (kinds[k], "-sent", NULL);
          PvTrackedConnection *connection;

          if (url == NULL)
            continue;
          connection = pv_tracked_app_add_connection (app, kinds[k], url);
          if (!read_time_key (keyfile, groups[i], issued_key, &connection->issued_at) ||
              !read_time_key (keyfile, groups[i], expires_key, &connection->expires_at) ||
              !read_time_key (keyfile, groups[i], pending_key, &connection->pending_since) ||
              !read_time_key (keyfile, groups[i], pending_issued_key, &connection->pending_issued_at) ||
              !read_time_key (keyfile, groups[i], pending_expires_key, &connection->pending_expires_at) ||
              !read_time_key (keyfile, groups[i], sent_key, &connection->sent_at))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The app list is damaged: a date of %s cannot be read"), id);
              return NULL;
            }
          connection->source = expiry_source_from_string (source);
          connection->pending_source = expiry_source_from_string (pending_source);
          connection->token_in_keyring = g_strcmp0 (token, "keyring") == 0;
        }
      if (app->connections->len == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The app list is damaged: %s has no SCIM base URL"), id);
          return NULL;
        }
      g_ptr_array_add (apps, g_steal_pointer (&app));
    }
  return g_steal_pointer (&apps);
}

static void
set_time_key (GKeyFile   *keyfile,
              const char *group,
              const char *kind,
              const char *suffix,
              gint64      when)
{
  g_autofree char *key = g_strconcat (kind, suffix, NULL);
  g_autofree char *text = NULL;

  if (when == 0)
    return;
  text = pv_time_format (when);
  g_key_file_set_string (keyfile, group, key, text);
}

/**
 * pv_tracked_apps_to_data:
 * @apps: (element-type PvTrackedApp): the apps
 *
 * Returns: (transfer full): apps.ini's text: no secret, only dates
 */
char *
pv_tracked_apps_to_data (GPtrArray *apps,
                         gsize     *length)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  for (guint i = 0; i < apps->len; i++)
    {
      PvTrackedApp *app = g_ptr_array_index (apps, i);
      g_autofree char *group = g_strconcat ("app ", app->id, NULL);

      g_key_file_set_string (keyfile, group, "name", app->name);
      g_key_file_set_string (keyfile, group, "vendor", app->vendor);
      if (app->demo)
        g_key_file_set_boolean (keyfile, group, "demo", TRUE);
      for (guint c = 0; c < app->connections->len; c++)
        {
          PvTrackedConnection *connection = g_ptr_array_index (app->connections, c);
          g_autofree char *url_key = g_strconcat (connection->kind, "-url", NULL);
          g_autofree char *source_key = g_strconcat (connection->kind, "-expiry-source", NULL);
          g_autofree char *token_key = g_strconcat (connection->kind, "-token", NULL);

          g_key_file_set_string (keyfile, group, url_key, connection->scim_base_url);
          set_time_key (keyfile, group, connection->kind, "-issued", connection->issued_at);
          set_time_key (keyfile, group, connection->kind, "-expires", connection->expires_at);
          if (connection->source != PV_EXPIRY_SOURCE_UNKNOWN)
            g_key_file_set_string (keyfile, group, source_key, pv_expiry_source_to_string (connection->source));
          if (connection->token_in_keyring)
            g_key_file_set_string (keyfile, group, token_key, "keyring");
          set_time_key (keyfile, group, connection->kind, "-pending-since", connection->pending_since);
          set_time_key (keyfile, group, connection->kind, "-pending-issued", connection->pending_issued_at);
          set_time_key (keyfile, group, connection->kind, "-pending-expires", connection->pending_expires_at);
          if (connection->pending_source != PV_EXPIRY_SOURCE_UNKNOWN)
            {
              g_autofree char *pending_source_key = g_strconcat (connection->kind, "-pending-expiry-source", NULL);

              g_key_file_set_string (keyfile, group, pending_source_key,
                                     pv_expiry_source_to_string (connection->pending_source));
            }
          set_time_key (keyfile, group, connection->kind, "-sent", connection->sent_at);
        }
    }
  return g_key_file_to_data (keyfile, length, NULL);
}

/**
 * pv_tracked_apps_default_file:
 *
 * Returns: (transfer full): the user's apps.ini
 */
GFile *
pv_tracked_apps_default_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "provisio", "apps.ini", NULL);

  return g_file_new_for_path (path);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GPtrArray *apps;
  gsize length;

  if (!pv_file_load_list_finish (G_FILE (source), result, &contents, &length, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  apps = pv_tracked_apps_parse (contents, length, &error);
  if (apps == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, apps, (GDestroyNotify) g_ptr_array_unref);
}

void
pv_tracked_apps_load_async (GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (file, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_tracked_apps_load_async);
  g_file_load_contents_async (file, cancellable, loaded_cb, task);
}

/**
 * pv_tracked_apps_load_finish:
 *
 * Returns: (transfer full) (element-type PvTrackedApp): the apps, in file order
 */
GPtrArray *
pv_tracked_apps_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_apps_load_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!pv_file_write_private_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
pv_tracked_apps_save_async (GFile               *file,
                            GPtrArray           *apps,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (file, cancellable, callback, user_data);
  gsize length;
  char *data = pv_tracked_apps_to_data (apps, &length);
  g_autoptr(GBytes) bytes = g_bytes_new_take (data, length);

  g_task_set_source_tag (task, pv_tracked_apps_save_async);
  pv_file_write_private_async (file, bytes, cancellable, saved_cb, task);
}

gboolean
pv_tracked_apps_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_apps_save_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A tracked app as a tenant's state */

#define add_time pv_json_builder_add_time
#define add_string pv_json_builder_add_string

static gboolean
is_rejected (GHashTable *verdicts,
             const char *kind)
{
  gpointer verdict = verdicts ? g_hash_table_lookup (verdicts, kind) : NULL;

  return verdict != NULL && GPOINTER_TO_INT (verdict) - 1 == PV_PROBE_TOKEN_REJECTED;
}

static PvExpiryState
connection_state (const PvExpiryPolicy      *policy,
                  const PvTrackedConnection *connection,
                  GHashTable                *verdicts,
                  gint64                     now)
{
  return pv_expiry_state_refused (pv_expiry_state (policy, connection->expires_at, now),
                                  is_rejected (verdicts, connection->kind));
}

/**
 * pv_tracked_app_to_state:
 * @vendor: the app's vendor, whose reminder schedule it keeps
 * @verdicts: (nullable) (element-type utf8 gint): the last probe's
 *   verdict of each connection's token, as kind → verdict + 1
 *
 * Says what is known of @app in the shape of a tenant's state
 * (pv_tenant_info_update_from_json()): one token per connection, its
 * expiry, and a reminder item for each.
 *
 * Returns: (transfer full): {"tenant", "provisioning", "reminders"}
 */
JsonObject *
pv_tracked_app_to_state (const PvTrackedApp *app,
                         const PvVendor     *vendor,
                         GHashTable         *verdicts,
                         gint64              now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  PvExpiryPolicy policy = { 0 };

  if (vendor->has_reminders)
    policy = vendor->reminders;
  else
    pv_expiry_policy_init_default (&policy);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tenant");
  json_builder_begin_object (b);
  add_string (b, "name", app->name);
  json_builder_set_member_name (b, "api_key");
  json_builder_begin_object (b);
  add_string (b, "owner", vendor->name);
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "provisioning");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *c = g_ptr_array_index (app->connections, i);
      g_autofree char *token_id = g_strdup_printf ("%s-%s", app->id, c->kind);

      json_builder_begin_object (b);
      add_string (b, "kind", c->kind);
      add_string (b, "identity_provider", vendor->identity_providers[0]);
      add_string (b, "scim_base_url", c->scim_base_url);
      /* In use, its expiry not told yet: a date to set, not a token to issue */
      json_builder_set_member_name (b, "expiry_unknown");
      json_builder_add_boolean_value (b, c->expires_at == 0 && c->pending_since == 0);
      add_time (b, "last_request_at", 0);
      /* The token in use, as far as anyone knows, unless a new one waits */
      add_string (b, "last_request_token_id", c->expires_at != 0 && c->pending_since == 0 ? token_id : NULL);
      json_builder_set_member_name (b, "tokens");
      json_builder_begin_array (b);
      if (c->expires_at != 0)
        {
          json_builder_begin_object (b);
          add_string (b, "id", token_id);
          /* No part of the token: the vendor's name stands for it. */
          add_string (b, "prefix", vendor->id);
          add_string (b, "description", pv_expiry_source_to_label (c->source));
          add_string (b, "created_by", vendor->name);
          add_time (b, "created_at", c->issued_at ? c->issued_at : c->expires_at);
          add_time (b, "expires_at", c->expires_at);
          /* In use since it was made, as far as anyone knows; a pasted
           * token not yet handed over waits, as a tenant's new token does. */
          add_time (b, "last_used_at", c->pending_since != 0 ? 0 : c->issued_at ? c->issued_at : c->expires_at);
          add_string (b, "state", pv_expiry_state_to_string (connection_state (&policy, c, verdicts, now)));
          /* Shown urgent whatever its dates say (pv_overview_token_info_state()) */
          json_builder_set_member_name (b, "rejected");
          json_builder_add_boolean_value (b, is_rejected (verdicts, c->kind));
          add_string (b, "replaced_by", NULL);
          /* The vendor's console retires tokens, not Provisio */
          add_string (b, "retire", NULL);
          add_time (b, "retires_at", 0);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "deleted_tokens");
      json_builder_begin_array (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "reminders");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "thresholds_days");
  json_builder_begin_array (b);
  for (guint i = 0; i < policy.n_thresholds; i++)
    json_builder_add_int_value (b, policy.thresholds[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *c = g_ptr_array_index (app->connections, i);
      g_autofree char *token_id = g_strdup_printf ("%s-%s", app->id, c->kind);
      gint crossed = pv_expiry_crossed_threshold (&policy, c->expires_at, now);

      if (c->expires_at == 0)
        continue;
      json_builder_begin_object (b);
      add_string (b, "subject", "token");
      add_string (b, "connection", c->kind);
      add_string (b, "token_id", token_id);
      add_time (b, "expires_at", c->expires_at);
      json_builder_set_member_name (b, "days_left");
      json_builder_add_int_value (b, pv_expiry_days_left (c->expires_at, now));
      add_string (b, "state", pv_expiry_state_to_string (connection_state (&policy, c, verdicts, now)));
      json_builder_set_member_name (b, "crossed_threshold_days");
      if (crossed < 0)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, crossed);
      add_time (b, "next_reminder_at", pv_expiry_next_reminder (&policy, c->expires_at, now));
      json_builder_set_member_name (b, "due");
      json_builder_add_boolean_value (b, crossed >= 0 || c->expires_at <= now || is_rejected (verdicts, c->kind));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_object_ref (json_node_get_object (root));
}

/**
 * pv_tracked_app_new_info:
 * @verdicts: (nullable): as for pv_tracked_app_to_state()
 *
 * Returns: (transfer full): @app as the dashboard, the reminders, the
 *   calendar and provisioctl see a tenant
 */
PvTenantInfo *
pv_tracked_app_new_info (const PvTrackedApp *app,
                         GHashTable         *verdicts,
                         gint64              now)
{
  g_autoptr(PvVendor) vendor = pv_vendor_lookup (app->vendor, NULL);
  g_autoptr(JsonObject) state = NULL;
  PvTrackedConnection *first = g_ptr_array_index (app->connections, 0);
  PvProfile profile = { app->id, first->scim_base_url, NULL, FALSE };
  PvTenantInfo *info = pv_tenant_info_new (&profile);
  g_autoptr(GError) error = NULL;

  /* A vendor no longer in the catalog is tracked as any SCIM app. */
  if (vendor == NULL)
    vendor = pv_vendor_lookup ("other", NULL);
  state = pv_tracked_app_to_state (app, vendor, verdicts, now);
  if (!pv_tenant_info_update_from_json (info, state, &error))
    g_critical ("A tracked app's state does not read as a tenant's: %s", error->message);
  return info;
}
