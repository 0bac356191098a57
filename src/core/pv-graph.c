/* pv-graph.c: a Microsoft sign-in and calls to Microsoft Graph
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-graph"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "pv-credentials.h"
#include "pv-error.h"
#include "pv-graph.h"
#include "pv-graph-private.h"
#include "pv-json.h"
#include "pv-json-read.h"
#include "pv-session.h"
#include "pv-token.h"

/* The admin signs in with the OAuth 2.0 device authorization grant
 * (RFC 8628) at the Microsoft identity platform: Provisio shows a code, the
 * admin enters it in any browser.  The refresh token goes to the keyring and
 * nowhere else; access tokens live in memory only.  Every Graph call goes
 * through pv_graph_request_async(), which refreshes the access token when it
 * runs out or Graph answers 401, and waits as Graph's Retry-After says when
 * it throttles (429, 503), within a bound. */

G_DEFINE_QUARK (pv-graph-error-quark, pv_graph_error)

#define MAX_RESPONSE_SIZE (4 * 1024 * 1024)
#define DEFAULT_MAX_WAIT 120
#define DEVICE_CODE_GRANT "urn:ietf:params:oauth:grant-type:device_code"

struct _PvGraph
{
  GObject      parent_instance;

  SoupSession *session;
  char        *login_url;
  char        *graph_url;
  char        *directory;
  char        *client_id;
  char        *account;

  char        *access_token;
  gint64       access_expires;   /* monotonic seconds */
  char        *refresh_token;
  char        *granted_scopes;   /* what the last token answer says was granted */
  gint64       refreshed_at;     /* wall-clock seconds: the refresh token's last redemption */
  guint        max_wait;
  gboolean     in_memory;        /* the refresh token stays out of the keyring (the demo's) */
};

G_DEFINE_FINAL_TYPE (PvGraph, pv_graph, G_TYPE_OBJECT)

enum { SIGNAL_DEVICE_CODE, SIGNAL_WAITING, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Hosts from "National clouds" (learn.microsoft.com/entra/identity-platform/
 * authentication-national-cloud; for China docs.azure.cn/entra/
 * identity-platform/authentication-national-cloud, which now names
 * login.partner.microsoftonline.cn rather than login.chinacloudapi.cn).
 * Whether validateCredentials is offered: the "national cloud deployments"
 * table of synchronizationJob: validateCredentials (v1.0, en-us) marks China
 * ❌; PUT secrets, start and restart are ✅ everywhere.  See docs/entra.md. */
static const PvGraphCloud clouds[] = {
  { "global", N_("Global Service"), "https://login.microsoftonline.com", "https://graph.microsoft.com", TRUE },
  { "usgov", N_("US Government L4"), "https://login.microsoftonline.us", "https://graph.microsoft.us", TRUE },
  { "usgov-dod", N_("US Government L5 (DOD)"), "https://login.microsoftonline.us", "https://dod-graph.microsoft.us", TRUE },
  { "china", N_("China (operated by 21Vianet)"), "https://login.partner.microsoftonline.cn",
    "https://microsoftgraph.chinacloudapi.cn", FALSE },
};

/**
 * pv_graph_clouds:
 * @n_clouds: (out): how many
 *
 * Returns: Microsoft's clouds, the global service first
 */
const PvGraphCloud *
pv_graph_clouds (guint *n_clouds)
{
  *n_clouds = G_N_ELEMENTS (clouds);
  return clouds;
}

const PvGraphCloud *
pv_graph_cloud_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (clouds); i++)
    if (g_strcmp0 (clouds[i].id, id) == 0)
      return &clouds[i];
  return NULL;
}

/**
 * pv_graph_cloud_for_graph_url:
 *
 * Returns: (nullable): the cloud whose Graph is at @graph_url, or %NULL for
 *   a custom one
 */
const PvGraphCloud *
pv_graph_cloud_for_graph_url (const char *graph_url)
{
  for (guint i = 0; graph_url != NULL && i < G_N_ELEMENTS (clouds); i++)
    if (g_ascii_strcasecmp (clouds[i].graph_url, graph_url) == 0)
      return &clouds[i];
  return NULL;
}

PvDeviceCode *
pv_device_code_copy (const PvDeviceCode *code)
{
  PvDeviceCode *copy = g_new0 (PvDeviceCode, 1);

  copy->user_code = g_strdup (code->user_code);
  copy->verification_uri = g_strdup (code->verification_uri);
  copy->message = g_strdup (code->message);
  copy->expires_in = code->expires_in;
  copy->interval = code->interval;
  return copy;
}

void
pv_device_code_free (PvDeviceCode *code)
{
  if (code == NULL)
    return;
  g_free (code->user_code);
  g_free (code->verification_uri);
  g_free (code->message);
  g_free (code);
}

G_DEFINE_BOXED_TYPE (PvDeviceCode, pv_device_code, pv_device_code_copy, pv_device_code_free)

static const char *object_string (JsonNode *node, const char *member);
static gint64      object_int    (JsonNode *node, const char *member, gint64 fallback);
static char       *short_text    (const char *text);

/**
 * pv_device_code_new_from_json:
 * @answer: (nullable): the devicecode endpoint's answer
 * @device_code: (out): the code to poll with, a secret
 *
 * Returns: (transfer full) (nullable): what to show, or %NULL if @answer is
 *   not a usable device authorization response
 */
PvDeviceCode *
pv_device_code_new_from_json (JsonNode  *answer,
                              char     **device_code)
{
  const char *device = object_string (answer, "device_code");
  const char *user_code = object_string (answer, "user_code");
  const char *uri = object_string (answer, "verification_uri");
  PvDeviceCode *code;

  *device_code = NULL;
  if (device == NULL || *device == '\0' || user_code == NULL || *user_code == '\0' || uri == NULL ||
      strlen (user_code) > 64 || strlen (uri) > 2048 ||
      !(g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "http://")))
    return NULL;
  code = g_new0 (PvDeviceCode, 1);
  code->user_code = g_strdup (user_code);
  code->verification_uri = g_strdup (uri);
  code->message = short_text (object_string (answer, "message"));
  code->expires_in = (gint) CLAMP (object_int (answer, "expires_in", 900), 1, 3600);
  code->interval = (gint) CLAMP (object_int (answer, "interval", 5), 1, 60);
  *device_code = g_strdup (device);
  return code;
}

static void
secret_replace (char      **slot,
                const char *value)
{
  pv_secret_free (*slot);
  *slot = g_strdup (value);
}

static void
pv_graph_finalize (GObject *object)
{
  PvGraph *self = (PvGraph *) object;

  g_clear_object (&self->session);
  g_free (self->login_url);
  g_free (self->graph_url);
  g_free (self->directory);
  g_free (self->client_id);
  g_free (self->account);
  pv_secret_free (self->access_token);
  pv_secret_free (self->refresh_token);
  g_free (self->granted_scopes);

  G_OBJECT_CLASS (pv_graph_parent_class)->finalize (object);
}

static void
pv_graph_class_init (PvGraphClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pv_graph_finalize;

  /**
   * PvGraph::device-code:
   * @code: the code to show
   *
   * The sign-in waits for the admin to enter @code.
   */
  signals[SIGNAL_DEVICE_CODE] =
    g_signal_new ("device-code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PV_TYPE_DEVICE_CODE);

  /**
   * PvGraph::waiting:
   * @seconds: how long
   *
   * Graph asked to wait before the next try (throttling).
   */
  signals[SIGNAL_WAITING] =
    g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pv_graph_init (PvGraph *self)
{
  self->session = pv_session_dup_shared ();
  self->max_wait = DEFAULT_MAX_WAIT;
}

static char *
strip_slash (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

/**
 * pv_graph_new:
 * @login_url: the identity platform, such as `https://login.microsoftonline.com`
 * @graph_url: Microsoft Graph, such as `https://graph.microsoft.com`
 * @directory: the Entra tenant: its id, a domain, or "organizations"
 * @client_id: the public client Provisio signs in as
 */
PvGraph *
pv_graph_new (const char *login_url,
              const char *graph_url,
              const char *directory,
              const char *client_id)
{
  PvGraph *self;

  g_return_val_if_fail (login_url != NULL && graph_url != NULL, NULL);

  self = g_object_new (PV_TYPE_GRAPH, NULL);
  self->login_url = strip_slash (login_url);
  self->graph_url = strip_slash (graph_url);
  self->directory = g_strdup (directory != NULL && *directory != '\0' ? directory : "organizations");
  self->client_id = g_strdup (client_id != NULL && *client_id != '\0' ? client_id : PV_GRAPH_DEFAULT_CLIENT_ID);
  return self;
}

const char *
pv_graph_get_directory (PvGraph *self)
{
  g_return_val_if_fail (PV_IS_GRAPH (self), NULL);
  return self->directory;
}

const char *
pv_graph_get_graph_url (PvGraph *self)
{
  g_return_val_if_fail (PV_IS_GRAPH (self), NULL);
  return self->graph_url;
}

/**
 * pv_graph_get_account:
 *
 * Returns: (nullable): the signed-in account's name, once known
 */
const char *
pv_graph_get_account (PvGraph *self)
{
  g_return_val_if_fail (PV_IS_GRAPH (self), NULL);
  return self->account;
}

/**
 * pv_graph_set_in_memory:
 *
 * Keeps the refresh token in memory only, never in the keyring: for a
 * sign-in that must not outlive the process, such as the demo's.
 */
void
pv_graph_set_in_memory (PvGraph  *self,
                        gboolean  in_memory)
{
  g_return_if_fail (PV_IS_GRAPH (self));
  self->in_memory = in_memory;
}

gboolean
pv_graph_get_signed_in (PvGraph *self)
{
  g_return_val_if_fail (PV_IS_GRAPH (self), FALSE);
  return self->refresh_token != NULL;
}

static char *keyring_name (PvGraph *self);

/**
 * pv_graph_get_refreshed_at:
 *
 * Returns: when Microsoft last issued a refresh token to this object (each
 *   use of the sign-in renews it), or 0
 */
gint64
pv_graph_get_refreshed_at (PvGraph *self)
{
  g_return_val_if_fail (PV_IS_GRAPH (self), 0);
  return self->refreshed_at;
}

/**
 * pv_graph_get_keyring_name:
 *
 * Returns: (transfer full): the name the sign-in is kept under in the keyring
 */
char *
pv_graph_get_keyring_name (PvGraph *self)
{
  g_return_val_if_fail (PV_IS_GRAPH (self), NULL);
  return keyring_name (self);
}

/**
 * pv_graph_get_scopes:
 *
 * Returns: the scopes Provisio asks for, on this cloud's Graph
 */
char *
pv_graph_get_scopes (PvGraph *self)
{
  g_return_val_if_fail (PV_IS_GRAPH (self), NULL);
  return g_strdup_printf ("%s/Synchronization.ReadWrite.All %s/Application.Read.All offline_access openid profile",
                          self->graph_url, self->graph_url);
}

/**
 * pv_graph_set_retry_limit:
 * @max_wait_seconds: the longest a call waits in all for a throttled Graph
 */
void
pv_graph_set_retry_limit (PvGraph *self,
                          guint    max_wait_seconds)
{
  g_return_if_fail (PV_IS_GRAPH (self));
  self->max_wait = max_wait_seconds;
}

/* The keyring item of this sign-in: one per directory, client and cloud. */
static char *
keyring_name (PvGraph *self)
{
  return g_strdup_printf ("entra:%s:%s:%s", self->login_url, self->directory, self->client_id);
}

/* -- answers ------------------------------------------------------------ */

/**
 * pv_graph_parse:
 * @bytes: (nullable): an answer's body from Microsoft
 *
 * Returns: (transfer full) (nullable): its JSON, read strictly and bounded
 */
JsonNode *
pv_graph_parse (GBytes *bytes)
{
  const char *data;
  gsize length;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  if (length > MAX_RESPONSE_SIZE)
    return NULL;
  return pv_json_parse (data, length, NULL);
}

static const char *
object_string (JsonNode   *node,
               const char *member)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
         ? pv_json_string_member (json_node_get_object (node), member) : NULL;
}

static gint64
object_int (JsonNode   *node,
            const char *member,
            gint64      fallback)
{
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fallback;
  value = json_object_get_member (json_node_get_object (node), member);
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return fallback;
  if (json_node_get_value_type (value) == G_TYPE_INT64)
    return json_node_get_int (value);
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    {
      gint64 parsed;

      if (g_ascii_string_to_signed (json_node_get_string (value), 10, 0, G_MAXINT32, &parsed, NULL))
        return parsed;
    }
  return fallback;
}

/* Microsoft's words, first line only and bounded: AADSTS descriptions carry
 * trace ids on further lines, Graph messages are short. */
static char *
short_text (const char *text)
{
  g_autofree char *line = NULL;
  const char *end;

  if (text == NULL || *text == '\0')
    return NULL;
  end = strpbrk (text, "\r\n");
  line = end != NULL ? g_strndup (text, end - text) : g_strdup (text);
  if (!g_utf8_validate (line, -1, NULL))
    return NULL;
  if (g_utf8_strlen (line, -1) > 300)
    {
      char *cut = g_utf8_offset_to_pointer (line, 300);
      *cut = '\0';
    }
  return g_steal_pointer (&line);
}

/**
 * pv_graph_describe_wait:
 * @seconds: how long Graph asked to wait, or is left of that wait
 *
 * Returns: what to tell the admin while Provisio waits as Graph's
 *   Retry-After said (429, 503 or 504), before it tries again by itself
 */
char *
pv_graph_describe_wait (guint seconds)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Microsoft Graph is busy; trying again in %u second…",
                                       "Microsoft Graph is busy; trying again in %u seconds…", seconds), seconds);
}

/**
 * pv_graph_error_message:
 * @status: Graph's HTTP status
 * @body: (nullable): Graph's error body, `{"error": {"code", "message"}}`
 *
 * Returns: what to tell the admin
 */
char *
pv_graph_error_message (guint     status,
                        JsonNode *body)
{
  g_autofree char *said = NULL;
  const char *what;

  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    {
      JsonNode *error = json_object_get_member (json_node_get_object (body), "error");

      said = short_text (object_string (error, "message"));
    }

  switch (status)
    {
    case 401:
      what = _("Microsoft Graph did not accept the sign-in; sign in again");
      break;
    case 403:
      what = _("The Microsoft account may not do this; it needs the Application Administrator or Cloud Application Administrator role and consent to Synchronization.ReadWrite.All");
      break;
    case 404:
      what = _("Microsoft Graph has no such enterprise app or provisioning job");
      break;
    case 429:
    case 503:
      what = _("Microsoft Graph is busy and asked to wait; try again later");
      break;
    default:
      what = status >= 500 ? _("Microsoft Graph failed; nothing was changed")
                           : _("Microsoft Graph refused the request");
    }
  if (said != NULL)
    return g_strdup_printf ("%s (%s)", what, said);
  /* No words from Graph (validateCredentials, for one, documents none):
   * at least its status. */
  if (status != 401 && status != 403 && status != 404)
    return g_strdup_printf (_("%s (HTTP %u)"), what, status);
  return g_strdup (what);
}

static gboolean
has_scope (const char *granted,
           const char *scope)
{
  g_auto(GStrv) scopes = g_strsplit (granted != NULL ? granted : "", " ", -1);

  for (guint i = 0; scopes[i] != NULL; i++)
    {
      const char *slash = strrchr (scopes[i], '/');

      if (g_ascii_strcasecmp (slash != NULL ? slash + 1 : scopes[i], scope) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * pv_graph_missing_rights_message:
 * @granted_scopes: (nullable): the scopes the token answer said were granted
 * @body: (nullable): Graph's error body
 *
 * Returns: what the account lacks, when Graph refuses a working sign-in:
 *   consent for Synchronization.ReadWrite.All if the token was granted
 *   without it, else one of the roles that may manage provisioning
 */
char *
pv_graph_missing_rights_message (const char *granted_scopes,
                                 guint       status,
                                 JsonNode   *body)
{
  g_autofree char *said = NULL;
  const char *what;

  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    said = short_text (object_string (json_object_get_member (json_node_get_object (body), "error"), "message"));
  if (granted_scopes != NULL && !has_scope (granted_scopes, "Synchronization.ReadWrite.All"))
    what = _("The Microsoft sign-in works, but Synchronization.ReadWrite.All was not consented to for it; an "
             "administrator grants admin consent for that permission to the client");
  else
    what = _("The Microsoft sign-in works, but the account may not manage provisioning; it needs the Application "
             "Administrator or Cloud Application Administrator role");
  if (said != NULL)
    /* Translators: a message, then Graph's HTTP status and its own words */
    return g_strdup_printf (_("%s (HTTP %u: %s)"), what, status, said);
  return g_strdup_printf (_("%s (HTTP %u)"), what, status);
}

static PvGraphError
error_for_status (guint status)
{
  switch (status)
    {
    case 401: return PV_GRAPH_ERROR_UNAUTHORIZED;
    case 403: return PV_GRAPH_ERROR_FORBIDDEN;
    case 404: return PV_GRAPH_ERROR_NOT_FOUND;
    case 429: return PV_GRAPH_ERROR_THROTTLED;
    default: return status >= 500 ? PV_GRAPH_ERROR_SERVER : PV_GRAPH_ERROR_REFUSED;
    }
}

static GError *
network_error (GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (cause);
  if (cause->domain == G_TLS_ERROR)
    return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_NETWORK,
                        _("The connection to Microsoft is not secure (%s)"), cause->message);
  return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_NETWORK,
                      _("Could not reach Microsoft (%s); nothing was changed there"), cause->message);
}

/* -- the identity platform ---------------------------------------------- */

static SoupMessage *
form_message (PvGraph    *self,
              const char *endpoint,
              char       *form)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/oauth2/v2.0/%s", self->login_url,
                                          self->directory, endpoint);
  g_autoptr(GBytes) body = g_bytes_new_with_free_func (form, strlen (form),
                                                        (GDestroyNotify) pv_secret_free, form);
  SoupMessage *msg = soup_message_new ("POST", url);

  if (msg == NULL)
    return NULL;
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  return msg;
}

/* The account's name from the ID token, for display only: the token came
 * straight from Microsoft over TLS, and nothing is decided on it. */
char *
pv_graph_account_from_id_token (const char *id_token)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *payload = NULL;
  g_autofree guchar *decoded = NULL;
  g_autoptr(JsonNode) claims = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len, decoded_len;
  const char *name;

  if (id_token == NULL)
    return NULL;
  parts = g_strsplit (id_token, ".", 4);
  if (g_strv_length (parts) != 3 || strlen (parts[1]) > 16384)
    return NULL;
  len = strlen (parts[1]);
  payload = g_malloc (len + 4);
  for (gsize i = 0; i < len; i++)
    payload[i] = parts[1][i] == '-' ? '+' : parts[1][i] == '_' ? '/' : parts[1][i];
  while (len % 4 != 0)
    payload[len++] = '=';
  payload[len] = '\0';
  decoded = g_base64_decode (payload, &decoded_len);
  bytes = g_bytes_new (decoded, decoded_len);
  claims = pv_graph_parse (bytes);
  name = object_string (claims, "preferred_username");
  if (name == NULL)
    name = object_string (claims, "upn");
  if (name == NULL)
    name = object_string (claims, "name");
  return short_text (name);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!pv_credentials_store_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* A token answer: keep the access token, store a new refresh token.  The
 * task returns once the refresh token is in the keyring. */
static gboolean
take_tokens (PvGraph  *self,
             JsonNode *answer,
             GTask    *task)
{
  const char *access = object_string (answer, "access_token");
  const char *refresh = object_string (answer, "refresh_token");
  gint64 expires_in = object_int (answer, "expires_in", 3600);
  g_autofree char *account = pv_graph_account_from_id_token (object_string (answer, "id_token"));
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;

  if (access == NULL || *access == '\0' || g_strcmp0 (object_string (answer, "token_type"), "Bearer") != 0)
    return FALSE;

  /* Without offline_access Microsoft gives no refresh token rather than an
   * error ("Microsoft identity platform and the OAuth 2.0 device
   * authorization grant flow", successful authentication response): such a
   * sign-in lasts an hour and cannot be kept.  A new sign-in needs its own;
   * a refresh may keep using the one it has. */
  if (refresh == NULL &&
      (self->refresh_token == NULL || g_task_get_source_tag (task) == pv_graph_sign_in_async))
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_SIGN_IN_FAILED,
                               _("Microsoft signed the account in but gave no refresh token, so the sign-in cannot "
                                 "be kept; the client needs the offline_access permission"));
      return TRUE;
    }
  g_free (self->granted_scopes);
  self->granted_scopes = object_string (answer, "scope") != NULL
    ? g_strndup (object_string (answer, "scope"), 4096) : NULL;
  secret_replace (&self->access_token, access);
  self->access_expires = g_get_monotonic_time () / G_USEC_PER_SEC + CLAMP (expires_in, 60, 86400);
  if (account != NULL)
    {
      g_free (self->account);
      self->account = g_steal_pointer (&account);
    }

  if (refresh != NULL)
    self->refreshed_at = g_get_real_time () / G_USEC_PER_SEC;
  if (refresh == NULL || g_strcmp0 (refresh, self->refresh_token) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return TRUE;
    }
  secret_replace (&self->refresh_token, refresh);
  if (self->in_memory)
    {
      g_task_return_boolean (task, TRUE);
      return TRUE;
    }
  name = keyring_name (self);
  label = g_strdup_printf (_("Provisio: Microsoft sign-in for %s"), self->directory);
  pv_credentials_store_async (name, PV_CREDENTIAL_GRAPH_REFRESH_TOKEN, label, refresh,
                              g_task_get_cancellable (task), stored_cb, g_object_ref (task));
  return TRUE;
}

/* The Microsoft identity platform's refusals that an admin can act on, by
 * AADSTS code, as "Microsoft Entra authentication and authorization error
 * codes" (learn.microsoft.com/entra/identity-platform/reference-error-codes)
 * lists them.  Microsoft warns that codes may change: an unknown code is
 * shown as it came, with Microsoft's own description. */
typedef struct {
  guint        code;
  PvGraphError error;
  const char  *advice;
} Refusal;

static const Refusal refusals[] = {
  { 53003, PV_GRAPH_ERROR_BLOCKED,
    N_("A Conditional Access policy of the directory blocks this sign-in, for example one that blocks the device "
       "code flow; an administrator can exclude the account or Provisio's client from that policy") },
  { 53000, PV_GRAPH_ERROR_BLOCKED,
    N_("A Conditional Access policy allows this sign-in only from a compliant device; sign in on one, or ask an "
       "administrator for an exception") },
  { 53001, PV_GRAPH_ERROR_BLOCKED,
    N_("A Conditional Access policy allows this sign-in only from a domain-joined device; sign in on one, or ask "
       "an administrator for an exception") },
  { 50076, PV_GRAPH_ERROR_NOT_SIGNED_IN,
    N_("Microsoft asks for multi-factor authentication again; sign in again") },
  { 50079, PV_GRAPH_ERROR_NOT_SIGNED_IN,
    N_("The account must register for multi-factor authentication first; then sign in again") },
  { 65001, PV_GRAPH_ERROR_SIGN_IN_FAILED,
    N_("Nobody has consented to Provisio's permissions for this client; an administrator grants admin consent to "
       "it, or registers a client of the organisation's own") },
  { 90094, PV_GRAPH_ERROR_SIGN_IN_FAILED,
    N_("These permissions need an administrator's consent; an administrator grants admin consent to the client, "
       "or registers a client of the organisation's own") },
  { 7000218, PV_GRAPH_ERROR_SIGN_IN_FAILED,
    N_("The client does not allow public client flows; turn on “Allow public client flows” in its app "
       "registration") },
  { 700016, PV_GRAPH_ERROR_SIGN_IN_FAILED,
    N_("The directory does not know this client; check the client ID, or have an administrator add it") },
  { 90002, PV_GRAPH_ERROR_SIGN_IN_FAILED,
    N_("Microsoft does not know this directory; check the tenant ID or domain") },
  { 50020, PV_GRAPH_ERROR_SIGN_IN_FAILED,
    N_("The account is not in this directory; sign in with an account of the directory") },
  { 70011, PV_GRAPH_ERROR_SIGN_IN_FAILED,
    N_("Microsoft refused the permissions Provisio asks for on this cloud") },
};

/**
 * pv_graph_aadsts_code:
 * @answer: (nullable): an error answer of the identity platform
 *
 * Returns: the AADSTS code of @answer (its "error_codes", else the
 *   "AADSTSnnnn:" its description starts with), or 0
 */
guint
pv_graph_aadsts_code (JsonNode *answer)
{
  const char *description = object_string (answer, "error_description");
  JsonNode *codes = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
    ? json_object_get_member (json_node_get_object (answer), "error_codes") : NULL;
  guint64 code;

  if (codes != NULL && JSON_NODE_HOLDS_ARRAY (codes) && json_array_get_length (json_node_get_array (codes)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (codes), 0);

      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_INT64 &&
          json_node_get_int (first) > 0 && json_node_get_int (first) < G_MAXINT32)
        return (guint) json_node_get_int (first);
    }
  if (description != NULL && g_str_has_prefix (description, "AADSTS"))
    {
      g_autofree char *digits = g_strndup (description + 6, strspn (description + 6, "0123456789"));

      if (g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT32, &code, NULL))
        return (guint) code;
    }
  return 0;
}

GError *
pv_graph_oauth_error (JsonNode *answer,
                      guint     status)
{
  const char *code = object_string (answer, "error");
  g_autofree char *description = short_text (object_string (answer, "error_description"));
  guint aadsts = pv_graph_aadsts_code (answer);
  g_autofree char *said = NULL;

  /* Microsoft's words, always with their AADSTS code. */
  if (description != NULL && aadsts != 0 && !g_str_has_prefix (description, "AADSTS"))
    said = g_strdup_printf ("AADSTS%u: %s", aadsts, description);
  else if (description != NULL)
    said = g_steal_pointer (&description);
  else if (aadsts != 0)
    said = g_strdup_printf ("AADSTS%u", aadsts);

  if (g_strcmp0 (code, "authorization_declined") == 0 || g_strcmp0 (code, "access_denied") == 0)
    return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_DECLINED,
                        _("The sign-in was declined; nothing was changed"));
  if (g_strcmp0 (code, "expired_token") == 0)
    return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_CODE_EXPIRED,
                        _("The code expired before the sign-in was finished; start again"));
  if (g_strcmp0 (code, "bad_verification_code") == 0)
    return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_BAD_CODE,
                        _("Microsoft did not recognise the sign-in code; start again"));
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (refusals); i++)
    if (refusals[i].code == aadsts)
      return g_error_new (PV_GRAPH_ERROR, refusals[i].error, "%s (%s)", _(refusals[i].advice), said);
  if (g_strcmp0 (code, "invalid_grant") == 0 || g_strcmp0 (code, "interaction_required") == 0)
    {
      if (said != NULL)
        return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN,
                            _("The Microsoft sign-in has expired or was revoked; sign in again (%s)"), said);
      return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN,
                          _("The Microsoft sign-in has expired or was revoked; sign in again"));
    }
  if (code != NULL)
    return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_SIGN_IN_FAILED,
                        _("Microsoft refused the sign-in: %s"), said != NULL ? said : code);
  return g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
                      _("The Microsoft sign-in answered with HTTP %u and no usable error"), status);
}

/* -- sign-in ------------------------------------------------------------ */

typedef struct {
  char   *device_code;
  gint    interval;
  gint64  deadline;   /* monotonic seconds */
} SignIn;

static void
sign_in_free (SignIn *data)
{
  pv_secret_free (data->device_code);
  g_free (data);
}

static void poll_token (GTask *task);

static gboolean
poll_again (gpointer user_data)
{
  poll_token (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);
  /* Not g_timeout_source_new_seconds(): its first firing may come up to a
   * second early, and a poll before the interval is answered slow_down
   * (RFC 8628 §3.5). */
  g_autoptr(GSource) source = g_timeout_source_new ((guint) data->interval * 1000);

  g_task_attach_source (task, source, poll_again);
}

/* A token endpoint's answer: a network failure or the tokens finish @task
 * (TRUE); an error answer is left to the caller, in @answer and @status. */
static gboolean
token_answer (GTask         *task,
              GObject       *source,
              GAsyncResult  *result,
              JsonNode     **answer,
              guint         *status)
{
  PvGraph *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (bytes == NULL)
    {
      g_task_return_error (task, network_error (error));
      return TRUE;
    }
  *answer = pv_graph_parse (bytes);
  *status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (*status))
    return FALSE;
  if (!take_tokens (self, *answer, task))
    g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
                             _("The Microsoft sign-in answered without a usable token"));
  return TRUE;
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  const char *code;
  guint status;

  if (token_answer (task, source, result, &answer, &status))
    return;

  code = object_string (answer, "error");
  if (g_strcmp0 (code, "authorization_pending") == 0 || g_strcmp0 (code, "slow_down") == 0)
    {
      if (g_strcmp0 (code, "slow_down") == 0)
        data->interval += 5;   /* RFC 8628, section 3.5 */
      if (g_get_monotonic_time () / G_USEC_PER_SEC + data->interval > data->deadline)
        g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_CODE_EXPIRED,
                                 _("The code expired before the sign-in was finished; start again"));
      else
        schedule_poll (task);
      return;
    }
  g_task_return_error (task, pv_graph_oauth_error (answer, status));
}

static void
poll_token (GTask *task)
{
  PvGraph *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  msg = form_message (self, "token",
                      soup_form_encode ("grant_type", DEVICE_CODE_GRANT,
                                        "client_id", self->client_id,
                                        "device_code", data->device_code,
                                        NULL));
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), polled_cb, g_object_ref (task));
}

static void
device_code_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvGraph *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(PvDeviceCode) code = NULL;
  SignIn *data;
  char *device_code = NULL;

  if (bytes == NULL)
    {
      g_task_return_error (task, network_error (error));
      return;
    }
  answer = pv_graph_parse (bytes);
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      g_task_return_error (task, pv_graph_oauth_error (answer, soup_message_get_status (msg)));
      return;
    }

  code = pv_device_code_new_from_json (answer, &device_code);
  if (code == NULL)
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
                               _("The Microsoft sign-in answered without a usable code"));
      return;
    }

  data = g_new0 (SignIn, 1);
  data->device_code = device_code;
  data->interval = code->interval;
  data->deadline = g_get_monotonic_time () / G_USEC_PER_SEC + code->expires_in;
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);

  g_signal_emit (self, signals[SIGNAL_DEVICE_CODE], 0, code);
  schedule_poll (task);
}

/**
 * pv_graph_sign_in_async:
 *
 * Starts the device code flow; #PvGraph::device-code says what to show.
 * Finishes once the admin has signed in and the refresh token is in the
 * keyring, or with %PV_GRAPH_ERROR_DECLINED, %PV_GRAPH_ERROR_CODE_EXPIRED,
 * %PV_GRAPH_ERROR_BAD_CODE, a network or a keyring error.
 */
void
pv_graph_sign_in_async (PvGraph             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *scopes = NULL;

  g_return_if_fail (PV_IS_GRAPH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_graph_sign_in_async);

  scopes = pv_graph_get_scopes (self);
  msg = form_message (self, "devicecode",
                      soup_form_encode ("client_id", self->client_id, "scope", scopes, NULL));
  if (msg == NULL)
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_SIGN_IN_FAILED,
                               _("“%s” is not a sign-in address"), self->login_url);
      return;
    }
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    device_code_cb, g_steal_pointer (&task));
}

gboolean
pv_graph_sign_in_finish (PvGraph       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_graph_sign_in_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- refresh ------------------------------------------------------------ */

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvGraph *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status;

  if (token_answer (task, source, result, &answer, &status))
    return;
  error = pv_graph_oauth_error (answer, status);
  if (error->code == PV_GRAPH_ERROR_NOT_SIGNED_IN)
    {
      g_clear_pointer (&self->refresh_token, pv_secret_free);
      g_clear_pointer (&self->access_token, pv_secret_free);
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

/* A new access token from the refresh token. */
static void
refresh_async (PvGraph             *self,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *scopes = NULL;

  g_task_set_source_tag (task, refresh_async);
  if (self->refresh_token == NULL)
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN,
                               _("Sign in to Microsoft Entra first"));
      return;
    }
  scopes = pv_graph_get_scopes (self);
  msg = form_message (self, "token",
                      soup_form_encode ("grant_type", "refresh_token",
                                        "client_id", self->client_id,
                                        "refresh_token", self->refresh_token,
                                        "scope", scopes,
                                        NULL));
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    refreshed_cb, g_steal_pointer (&task));
}

static gboolean
refresh_finish (GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == refresh_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- restore and sign out ----------------------------------------------- */

static void
restore_refreshed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!refresh_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvGraph *self = g_task_get_source_object (task);
  GCancellable *cancellable;
  GError *error = NULL;
  char *secret = pv_credentials_lookup_finish (result, &error);

  if (secret == NULL)
    {
      if (g_error_matches (error, PV_ERROR, PV_ERROR_KEYRING_NOT_FOUND))
        {
          g_clear_error (&error);
          g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN,
                                   _("Sign in to Microsoft Entra first"));
        }
      else
        g_task_return_error (task, error);
      return;
    }
  secret_replace (&self->refresh_token, secret);
  secret_password_free (secret);
  cancellable = g_task_get_cancellable (task);
  refresh_async (self, cancellable, restore_refreshed_cb, g_steal_pointer (&task));
}

/**
 * pv_graph_restore_async:
 *
 * Takes up the sign-in kept in the keyring and checks it with Microsoft
 * (one token refresh, which also tells the account's name).  Fails with
 * %PV_GRAPH_ERROR_NOT_SIGNED_IN when there is none or it has lapsed; after a
 * network error the sign-in is kept for the next call.
 */
void
pv_graph_restore_async (PvGraph             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (PV_IS_GRAPH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_graph_restore_async);
  if (self->in_memory)
    {
      if (self->refresh_token == NULL)
        g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN,
                                 _("Sign in to Microsoft Entra first"));
      else
        refresh_async (self, cancellable, restore_refreshed_cb, g_steal_pointer (&task));
      return;
    }
  name = keyring_name (self);
  pv_credentials_lookup_async (name, PV_CREDENTIAL_GRAPH_REFRESH_TOKEN, cancellable,
                               looked_up_cb, g_steal_pointer (&task));
}

gboolean
pv_graph_restore_finish (PvGraph       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_graph_restore_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!pv_credentials_clear_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_graph_sign_out_async:
 *
 * Forgets the tokens and removes the refresh token from the keyring.
 */
void
pv_graph_sign_out_async (PvGraph             *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (PV_IS_GRAPH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_graph_sign_out_async);
  g_clear_pointer (&self->access_token, pv_secret_free);
  g_clear_pointer (&self->refresh_token, pv_secret_free);
  g_clear_pointer (&self->account, g_free);
  if (self->in_memory)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  name = keyring_name (self);
  pv_credentials_clear_async (name, PV_CREDENTIAL_GRAPH_REFRESH_TOKEN, cancellable,
                              cleared_cb, g_steal_pointer (&task));
}

gboolean
pv_graph_sign_out_finish (PvGraph       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_graph_sign_out_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Graph calls -------------------------------------------------------- */

typedef struct {
  char   *method;
  char   *url;
  GBytes *body;
  guint   waited;
  guint   auth_retries;
} Call;

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->url);
  if (call->body != NULL)
    g_bytes_unref (call->body);
  g_free (call);
}

static void send_call (GTask *task);

static gboolean
send_again (gpointer user_data)
{
  send_call (g_object_ref (G_TASK (user_data)));
  return G_SOURCE_REMOVE;
}

/* Retry-After in seconds, as Graph sends it; an HTTP date is also allowed. */
static guint
retry_after_value (const char *value)
{
  guint64 seconds;

  if (value == NULL)
    return 5;
  if (g_ascii_string_to_unsigned (value, 10, 0, 3600, &seconds, NULL))
    return MAX ((guint) seconds, 1);
  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    if (when != NULL)
      return (guint) CLAMP (g_date_time_difference (when, now) / G_USEC_PER_SEC, 1, 3600);
  }
  return 5;
}

static guint
retry_after (SoupMessage *msg)
{
  return retry_after_value (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"));
}

static void
called_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvGraph *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *message = NULL;
  guint status;

  if (bytes == NULL)
    {
      g_task_return_error (task, network_error (error));
      return;
    }
  status = soup_message_get_status (msg);
  answer = pv_graph_parse (bytes);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (g_bytes_get_size (bytes) == 0 || status == SOUP_STATUS_NO_CONTENT)
        g_task_return_pointer (task, NULL, NULL);
      else if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
        g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
                                 _("Microsoft Graph answered with something that is not a JSON object"));
      else
        g_task_return_pointer (task, g_steal_pointer (&answer), (GDestroyNotify) json_node_unref);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED && call->auth_retries > 0)
    {
      /* A fresh token from a refresh that worked, and still 401: the sign-in
       * is fine, the rights are missing.  The synchronization API answers so
       * (401 UnknownError, empty message) where 403 would be expected:
       * microsoftgraph/microsoft-graph-docs-contrib issue 8800. */
      message = pv_graph_missing_rights_message (self->granted_scopes, status, answer);
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_MISSING_RIGHTS, "%s", message);
      return;
    }
  if (status == SOUP_STATUS_UNAUTHORIZED && self->refresh_token != NULL)
    {
      /* The access token may have been revoked or run out early. */
      call->auth_retries++;
      g_clear_pointer (&self->access_token, pv_secret_free);
      send_call (g_steal_pointer (&task));
      return;
    }

  if (status == 429 || status == SOUP_STATUS_SERVICE_UNAVAILABLE || status == SOUP_STATUS_GATEWAY_TIMEOUT)
    {
      guint wait = retry_after (msg);

      if (call->waited + wait <= self->max_wait)
        {
          /* Retry-After is a minimum: a timer in milliseconds never fires early */
          g_autoptr(GSource) timer = g_timeout_source_new ((guint) wait * 1000);

          call->waited += wait;
          g_debug ("Graph asked to wait %u s before %s", wait, call->method);
          g_signal_emit (self, signals[SIGNAL_WAITING], 0, wait);
          g_task_attach_source (task, timer, send_again);
          return;
        }
      message = pv_graph_error_message (429, answer);
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_THROTTLED, "%s", message);
      return;
    }

  message = pv_graph_error_message (status, answer);
  g_task_return_new_error (task, PV_GRAPH_ERROR, error_for_status (status), "%s", message);
}

static void
token_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!refresh_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  send_call (g_steal_pointer (&task));
}

static void
send_call (GTask *task)
{
  PvGraph *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *authorization = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (self->access_token == NULL ||
      g_get_monotonic_time () / G_USEC_PER_SEC + 60 >= self->access_expires)
    {
      refresh_async (self, g_task_get_cancellable (task), token_ready_cb, task);
      return;
    }

  msg = soup_message_new (call->method, call->url);
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", call->body);
  authorization = g_strconcat ("Bearer ", self->access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  explicit_bzero (authorization, strlen (authorization));
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), called_cb, task);
}

/**
 * pv_graph_request_async:
 * @method: the HTTP method
 * @path: a path under `/v1.0`, such as `/servicePrincipals`, or an
 *   `@odata.nextLink` Graph gave (only on this Graph's host)
 * @body: (nullable): the JSON body
 *
 * Calls Graph as the signed-in admin.
 */
void
pv_graph_request_async (PvGraph             *self,
                        const char          *method,
                        const char          *path,
                        JsonNode            *body,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *prefix = NULL;
  Call *call;

  g_return_if_fail (PV_IS_GRAPH (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_graph_request_async);

  call = g_new0 (Call, 1);
  call->method = g_strdup (method);
  prefix = g_strconcat (self->graph_url, "/", NULL);
  if (path[0] == '/')
    call->url = g_strconcat (self->graph_url, "/v1.0", path, NULL);
  else if (g_str_has_prefix (path, prefix))
    call->url = g_strdup (path);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  /* A link to another host would get the access token: refuse it. */
  if (call->url == NULL || !g_uri_is_valid (call->url, G_URI_FLAGS_NONE, NULL))
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
                               _("Microsoft Graph pointed to an address outside %s"), self->graph_url);
      return;
    }
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      call->body = g_bytes_new_with_free_func (text, strlen (text), (GDestroyNotify) pv_secret_free, text);
    }
  send_call (g_steal_pointer (&task));
}

/**
 * pv_graph_request_finish:
 *
 * Returns: (transfer full) (nullable): Graph's JSON object, or %NULL with
 *   no error for an answer without a body (204)
 */
JsonNode *
pv_graph_request_finish (PvGraph       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_graph_request_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- JSON batching -------------------------------------------------------- */

/* Graph's JSON batching ("Combine multiple HTTP requests using JSON
 * batching", learn.microsoft.com/graph/json-batching): up to 20 requests in
 * one POST /$batch, each answered on its own in "responses", in any order,
 * with its own status, headers and body.  Each request counts against
 * Graph's limits as if sent alone: some of a batch may come back 429 with
 * their own Retry-After while the others succeed; only those are sent
 * again, after the wait they were told. */

#define BATCH_SIZE 20
#define BATCH_PARALLEL 4

void
pv_graph_answer_free (PvGraphAnswer *answer)
{
  if (answer == NULL)
    return;
  g_clear_pointer (&answer->body, json_node_unref);
  g_clear_error (&answer->error);
  g_free (answer);
}

typedef struct {
  GStrv      paths;
  guint      n_paths;
  GPtrArray *answers;     /* PvGraphAnswer, by the index of its path */
  guint     *waited;      /* seconds each request waited for */
  GQueue     pending;     /* indices, as GUINT_TO_POINTER (i + 1) */
  guint      running;     /* batches sent, and throttled ones waiting */
  guint      answered;
  PvProgressFunc progress;
  gpointer   progress_data;
  GError    *error;
} Batch;

static void
batch_free (Batch *b)
{
  g_strfreev (b->paths);
  g_ptr_array_unref (b->answers);
  g_free (b->waited);
  g_queue_clear (&b->pending);
  g_clear_error (&b->error);
  g_free (b);
}

static void batch_next (GTask *task);

typedef struct {
  GTask *task;
  GList *retry;   /* indices to send again */
} BatchWait;

static gboolean
batch_wait_over (gpointer user_data)
{
  BatchWait *w = user_data;
  Batch *b = g_task_get_task_data (w->task);

  for (GList *l = w->retry; l != NULL; l = l->next)
    g_queue_push_tail (&b->pending, l->data);
  g_list_free (w->retry);
  b->running--;
  batch_next (w->task);
  g_object_unref (w->task);
  g_free (w);
  return G_SOURCE_REMOVE;
}

/* One answer of a batch, as if it had come alone. */
static void
batch_answer (PvGraph    *self,
              Batch      *b,
              guint       index,
              guint       status,
              JsonNode   *body)
{
  PvGraphAnswer *answer = g_new0 (PvGraphAnswer, 1);
  g_autofree char *message = NULL;

  answer->status = status;
  if (status == 0)
    answer->error = g_error_new_literal (PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
                                         _("Microsoft Graph left a request of a batch unanswered"));
  else if (SOUP_STATUS_IS_SUCCESSFUL (status))
    answer->body = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_ref (body) : NULL;
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      /* The batch itself was let in with this access token: a 401 of one
       * of its requests is missing rights (see called_cb()). */
      message = pv_graph_missing_rights_message (self->granted_scopes, status, body);
      answer->error = g_error_new_literal (PV_GRAPH_ERROR, PV_GRAPH_ERROR_MISSING_RIGHTS, message);
    }
  else
    {
      message = pv_graph_error_message (status, body);
      answer->error = g_error_new_literal (PV_GRAPH_ERROR, error_for_status (status), message);
    }
  g_ptr_array_index (b->answers, index) = answer;
  b->answered++;
}

static const char *
header_value (JsonObject *headers,
              const char *name)
{
  g_autoptr(GList) members = headers != NULL ? json_object_get_members (headers) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, name) == 0)
      return pv_json_string_member (headers, l->data);
  return NULL;
}

/* One POST /$batch on its way: the task, and the indices it carries. */
typedef struct {
  GTask  *task;
  GArray *sent;
} Sent;

static void
batch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  PvGraph *self = PV_GRAPH (source);
  Sent *sent = user_data;
  GTask *task = sent->task;   /* the reference this batch held */
  Batch *b = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) answer = pv_graph_request_finish (self, result, &error);
  g_autofree gboolean *seen = g_new0 (gboolean, b->n_paths);
  JsonArray *responses = answer != NULL ? pv_json_array_member (json_node_get_object (answer), "responses") : NULL;
  GList *retry = NULL;
  guint wait = 0;
  guint before = b->answered;

  if (answer != NULL && responses == NULL)
    error = g_error_new_literal (PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
                                 _("Microsoft Graph answered a batch without its responses"));
  if (error != NULL)
    {
      if (b->error == NULL)
        b->error = error;
      else
        g_error_free (error);
    }
  for (guint i = 0; responses != NULL && i < json_array_get_length (responses); i++)
    {
      JsonNode *node = json_array_get_element (responses, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = pv_json_string_member (object, "id");
      JsonNode *status_node = object != NULL ? json_object_get_member (object, "status") : NULL;
      guint64 index;
      gint64 status;

      /* Only ids this client gave, each once, with a status. */
      if (id == NULL || !g_ascii_string_to_unsigned (id, 10, 0, b->n_paths - 1, &index, NULL) ||
          seen[index] || g_ptr_array_index (b->answers, index) != NULL ||
          status_node == NULL || !JSON_NODE_HOLDS_VALUE (status_node) ||
          json_node_get_value_type (status_node) != G_TYPE_INT64)
        continue;
      status = json_node_get_int (status_node);
      seen[index] = TRUE;
      if (status == 429 || status == SOUP_STATUS_SERVICE_UNAVAILABLE || status == SOUP_STATUS_GATEWAY_TIMEOUT)
        {
          guint after = retry_after_value (header_value (pv_json_object_member (object, "headers"), "Retry-After"));

          if (b->waited[index] + after <= self->max_wait)
            {
              b->waited[index] += after;
              wait = MAX (wait, after);
              retry = g_list_prepend (retry, GUINT_TO_POINTER ((guint) index + 1));
              continue;
            }
        }
      batch_answer (self, b, index, CLAMP (status, 0, 999),
                    object != NULL ? json_object_get_member (object, "body") : NULL);
    }
  if (responses != NULL && b->error == NULL)
    {
      /* A request of this batch Graph did not answer. */
      for (guint i = 0; i < sent->sent->len; i++)
        {
          guint index = g_array_index (sent->sent, guint, i);

          if (!seen[index] && g_ptr_array_index (b->answers, index) == NULL)
            batch_answer (self, b, index, 0, NULL);
        }
    }
  g_array_unref (sent->sent);
  g_free (sent);
  if (b->progress != NULL && b->answered != before && b->error == NULL)
    b->progress (b->answered, b->n_paths, b->progress_data);

  if (retry != NULL && b->error == NULL)
    {
      BatchWait *w = g_new0 (BatchWait, 1);

      g_debug ("Graph asked to wait %u s before %u requests of a batch", wait, g_list_length (retry));
      g_signal_emit (self, signals[SIGNAL_WAITING], 0, wait);
      w->task = task;
      w->retry = retry;
      /* Still counted as running until the wait is over. */
      g_timeout_add_full (G_PRIORITY_DEFAULT, wait * 1000, batch_wait_over, w, NULL);
      return;
    }
  g_list_free (retry);
  b->running--;
  batch_next (task);
  g_object_unref (task);
}

static void
batch_next (GTask *task)
{
  Batch *b = g_task_get_task_data (task);
  PvGraph *self = g_task_get_source_object (task);

  while (b->error == NULL && b->running < BATCH_PARALLEL && !g_queue_is_empty (&b->pending))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      Sent *sent = g_new0 (Sent, 1);

      sent->task = g_object_ref (task);
      sent->sent = g_array_new (FALSE, FALSE, sizeof (guint));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "requests");
      json_builder_begin_array (builder);
      for (guint n = 0; n < BATCH_SIZE && !g_queue_is_empty (&b->pending); n++)
        {
          guint index = GPOINTER_TO_UINT (g_queue_pop_head (&b->pending)) - 1;
          g_autofree char *id = g_strdup_printf ("%u", index);

          g_array_append_val (sent->sent, index);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, id);
          json_builder_set_member_name (builder, "method");
          json_builder_add_string_value (builder, "GET");
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, b->paths[index]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      b->running++;
      pv_graph_request_async (self, "POST", "/$batch", body, g_task_get_cancellable (task),
                              batch_cb, sent);
    }
  if (b->running > 0)
    return;
  if (b->error != NULL)
    g_task_return_error (task, g_steal_pointer (&b->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (b->answers), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * pv_graph_batch_async:
 * @paths: (array length=n_paths): GET requests, paths under `/v1.0`
 * @progress: (nullable): told how many were answered, of how many
 *
 * Sends @paths to Graph in JSON batches of 20, a few batches at a time,
 * and sends again, after the time Graph gave, those of them it throttled.
 * Each request gets its own answer; only what ends every call (a cancel,
 * the sign-in gone, Microsoft out of reach) fails the whole.
 */
void
pv_graph_batch_async (PvGraph             *self,
                      const char * const  *paths,
                      guint                n_paths,
                      PvProgressFunc       progress,
                      gpointer             progress_data,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Batch *b;

  g_return_if_fail (PV_IS_GRAPH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_graph_batch_async);
  b = g_new0 (Batch, 1);
  b->paths = g_new0 (char *, n_paths + 1);
  for (guint i = 0; i < n_paths; i++)
    b->paths[i] = g_strdup (paths[i]);
  b->n_paths = n_paths;
  b->answers = g_ptr_array_new_full (n_paths, (GDestroyNotify) pv_graph_answer_free);
  g_ptr_array_set_size (b->answers, n_paths);
  b->waited = g_new0 (guint, MAX (n_paths, 1));
  b->progress = progress;
  b->progress_data = progress_data;
  g_queue_init (&b->pending);
  for (guint i = 0; i < n_paths; i++)
    g_queue_push_tail (&b->pending, GUINT_TO_POINTER (i + 1));
  g_task_set_task_data (task, b, (GDestroyNotify) batch_free);
  batch_next (task);
}

/**
 * pv_graph_batch_finish:
 *
 * Returns: (transfer container) (element-type PvGraphAnswer): the answer
 *   to each path, in the order of the paths
 */
GPtrArray *
pv_graph_batch_finish (PvGraph       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_graph_batch_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
