/* pv-client.c: requests to a tenant's management API
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-client"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pv-client.h"
#include "pv-json.h"
#include "pv-json-read.h"
#include "pv-session.h"
#include "pv-time.h"
#include "pv-tls.h"
#include "pv-token.h"

/* One SoupSession per tenant connection; every call is asynchronous and
 * ends in a PvError a user interface can act on.  The admin API key lives
 * in this object's memory only: it is sent in the Authorization header and
 * never logged or put in a message. */

struct _PvClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *api_key;
  gint64       clock_skew;
  char        *pin;                  /* the pinned certificate's fingerprint */
  gboolean     allow_insecure_http;
};

/* One request: the message, and the certificate it was refused, if any. */
typedef struct {
  SoupMessage          *msg;
  GTlsCertificate      *peer;
  GTlsCertificateFlags  peer_errors;
  JsonObject           *error_answer;   /* what the server said with an error status */
} Request;

static void
request_free (Request *request)
{
  g_signal_handlers_disconnect_by_data (request->msg, request);
  g_object_unref (request->msg);
  g_clear_object (&request->peer);
  g_clear_pointer (&request->error_answer, json_object_unref);
  g_free (request);
}

G_DEFINE_FINAL_TYPE (PvClient, pv_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (pv-error-quark, pv_error)

#define MAX_RESPONSE_SIZE (8 * 1024 * 1024)

static void
pv_client_finalize (GObject *object)
{
  PvClient *self = (PvClient *) object;

  g_clear_object (&self->session);
  g_free (self->base_url);
  g_free (self->pin);
  pv_secret_free (self->api_key);

  G_OBJECT_CLASS (pv_client_parent_class)->finalize (object);
}

static void
pv_client_class_init (PvClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pv_client_finalize;
}

static void
pv_client_init (PvClient *self)
{
  self->session = pv_session_dup_shared ();
}

/**
 * pv_client_new:
 * @base_url: the tenant server, such as `https://tenant.example.com`
 * @api_key: (nullable): the tenant's admin API key
 *
 * Returns: (transfer full): a client for one tenant
 */
PvClient *
pv_client_new (const char *base_url,
               const char *api_key)
{
  PvClient *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (PV_TYPE_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  if (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->api_key = g_strdup (api_key);
  return self;
}

/**
 * pv_client_new_with_key:
 * @api_key: another admin API key for the same tenant
 *
 * Returns: (transfer full): a client for @self's tenant, trusting its
 *   certificate the same way, with @api_key
 */
PvClient *
pv_client_new_with_key (PvClient   *self,
                        const char *api_key)
{
  PvClient *copy;

  g_return_val_if_fail (PV_IS_CLIENT (self), NULL);

  copy = pv_client_new (self->base_url, api_key);
  g_set_object (&copy->session, self->session);
  copy->pin = g_strdup (self->pin);
  copy->allow_insecure_http = self->allow_insecure_http;
  copy->clock_skew = self->clock_skew;
  return copy;
}

const char *
pv_client_get_base_url (PvClient *self)
{
  g_return_val_if_fail (PV_IS_CLIENT (self), NULL);
  return self->base_url;
}

/**
 * pv_client_set_tls_database:
 * @database: (nullable): the certificates to trust, such as a tenant's
 *   pinned certificate; %NULL for the system's
 */
void
pv_client_set_tls_database (PvClient     *self,
                            GTlsDatabase *database)
{
  g_return_if_fail (PV_IS_CLIENT (self));

  g_clear_pointer (&self->pin, g_free);
  g_clear_object (&self->session);
  if (database == NULL)
    {
      self->session = pv_session_dup_shared ();
      return;
    }
  /* A pinned certificate is a TLS database of its own, which a session
   * holds for all its requests: this tenant gets its own session. */
  self->session = pv_session_new ("provisio/" PACKAGE_VERSION, 30);
  soup_session_set_tls_database (self->session, database);
}

/**
 * pv_client_set_pinned_certificate:
 * @fingerprint: (nullable): the SHA-256 fingerprint of the tenant server's
 *   certificate (see pv_tls_fingerprint()); %NULL to trust the system's
 *   certificate authorities again
 *
 * Trusts the one certificate with @fingerprint and nothing else: a
 * self-signed certificate that matches is accepted, any other refused,
 * even one the system trusts.
 */
void
pv_client_set_pinned_certificate (PvClient   *self,
                                  const char *fingerprint)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_if_fail (PV_IS_CLIENT (self));

  if (fingerprint != NULL)
    {
      database = pv_tls_pinned_database_new (fingerprint);
      g_return_if_fail (database != NULL);
    }
  pv_client_set_tls_database (self, database);
  self->pin = pv_tls_fingerprint_normalize (fingerprint);
}

/**
 * pv_client_set_allow_insecure_http:
 * @allow: whether to send the admin API key over plain HTTP to another
 *   computer
 *
 * Plain `http://` is refused but for this computer (loopback) unless
 * allowed here.
 */
void
pv_client_set_allow_insecure_http (PvClient *self,
                                   gboolean  allow)
{
  g_return_if_fail (PV_IS_CLIENT (self));
  self->allow_insecure_http = allow;
}

static void
set_network_error (GError    **error,
                   PvClient   *self,
                   Request    *request,
                   const char *url,
                   GError     *cause)
{
  if (cause->domain == G_TLS_ERROR && request->peer != NULL && self->pin != NULL)
    {
      g_autofree char *presented = pv_tls_fingerprint (request->peer);

      g_set_error (error, PV_ERROR, PV_ERROR_TLS,
                   _("The tenant’s certificate does not match the pinned certificate: %s presented "
                     "SHA-256 %s, the pin is %s"), url, presented, self->pin);
    }
  else if (cause->domain == G_TLS_ERROR && request->peer != NULL)
    {
      g_autofree char *reasons = pv_tls_describe_errors (request->peer_errors,
                                                         g_uri_get_host (soup_message_get_uri (request->msg)));

      g_set_error (error, PV_ERROR, PV_ERROR_TLS,
                   _("The tenant’s certificate is not trusted (%s): %s"), reasons, url);
    }
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, PV_ERROR, PV_ERROR_TLS,
                 _("The connection to %s is not secure: %s"), url, cause->message);
  else
    g_set_error (error, PV_ERROR, PV_ERROR_NETWORK,
                 _("Could not reach %s: %s"), url, cause->message);
}

static PvError
error_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return PV_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return PV_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return PV_ERROR_NOT_FOUND;
    case SOUP_STATUS_CONFLICT:
      return PV_ERROR_CONFLICT;
    case 429:   /* Too Many Requests; libsoup 3.2 has no name for it */
      return PV_ERROR_RATE_LIMITED;
    default:
      return status >= 500 ? PV_ERROR_SERVER : PV_ERROR_INVALID_REQUEST;
    }
}

static const char *
message_for_status (guint status)
{
  switch (error_for_status (status))
    {
    case PV_ERROR_UNAUTHORIZED:
      return _("The tenant did not accept the admin API key");
    case PV_ERROR_FORBIDDEN:
      return _("The admin API key may not do this");
    case PV_ERROR_NOT_FOUND:
      return _("The tenant has no such item");
    case PV_ERROR_CONFLICT:
      return _("The tenant refused this as things stand");
    case PV_ERROR_RATE_LIMITED:
      return _("Too many failed sign-ins; wait a minute and try again");
    case PV_ERROR_SERVER:
      return _("The tenant server failed; nothing was changed");
    default:
      return _("The tenant refused the request");
    }
}

/* The message a Provisio server sends with an error, if it looks like one. */
static const char *
server_message (JsonNode *root)
{
  JsonNode *message;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  message = json_object_get_member (json_node_get_object (root), "message");
  if (message == NULL || !JSON_NODE_HOLDS_VALUE (message) ||
      json_node_get_value_type (message) != G_TYPE_STRING ||
      strlen (json_node_get_string (message)) > 500)
    return NULL;
  return json_node_get_string (message);
}

/* Answers that carry the server's time tell how far this computer's clock
 * is off; expiry maths uses the tenant's clock. */
static void
note_server_time (PvClient   *self,
                  JsonObject *answer)
{
  gint64 server;

  if (pv_time_parse (pv_json_string_member (answer, "server_time"), &server))
    self->clock_skew = server - g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * pv_client_get_now:
 *
 * Returns: now by the tenant's clock, as far as its answers tell (this
 *   computer's clock corrected by pv_client_get_clock_skew())
 */
gint64
pv_client_get_now (PvClient *self)
{
  g_return_val_if_fail (PV_IS_CLIENT (self), 0);
  return g_get_real_time () / G_USEC_PER_SEC + pv_client_get_clock_skew (self);
}

/**
 * pv_client_get_clock_skew:
 *
 * Returns: the tenant's clock minus this computer's, in seconds, as of the
 *   last answer that carried the server's time (0 before any)
 */
gint64
pv_client_get_clock_skew (PvClient *self)
{
  g_return_val_if_fail (PV_IS_CLIENT (self), 0);
  return self->clock_skew;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  SoupMessage *msg = request->msg;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = g_uri_to_string_partial (soup_message_get_uri (msg), G_URI_HIDE_QUERY);
  const char *content_type;
  const char *data;
  gsize length;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          GError *e = NULL;

          set_network_error (&e, g_task_get_source_object (task), request, url, error);
          g_task_return_error (task, e);
        }
      return;
    }

  status = soup_message_get_status (msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  data = g_bytes_get_data (bytes, &length);

  /* Read as the fuzz test reads answers (pv_json_parse) */
  if (g_strcmp0 (content_type, "application/json") == 0 && length <= MAX_RESPONSE_SIZE)
    root = pv_json_parse (data, length, NULL);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_RESPONSE,
                                   _("%s does not answer like a Provisio tenant (%s)"), url,
                                   root != NULL ? _("not a JSON object") :
                                   content_type != NULL && g_strcmp0 (content_type, "application/json") != 0
                                   ? content_type : _("not valid JSON"));
          return;
        }
      note_server_time (g_task_get_source_object (task), json_node_get_object (root));
      g_task_return_pointer (task, json_object_ref (json_node_get_object (root)),
                             (GDestroyNotify) json_object_unref);
      return;
    }

  /* An expired key is not a generic refusal: say what to do. */
  if (status == SOUP_STATUS_UNAUTHORIZED && root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      g_strcmp0 (pv_json_string_member (json_node_get_object (root), "error"), "key_expired") == 0)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_KEY_EXPIRED, "%s",
                               _("The admin API key has expired: ask the tenant’s owner for a new key, "
                                 "then add the tenant again with it"));
      return;
    }

  /* The server's own words where it gave some; ours otherwise. */
  {
    const char *said = server_message (root);

    if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
      request->error_answer = json_object_ref (json_node_get_object (root));

    g_task_return_new_error (task, PV_ERROR, error_for_status (status), "%s",
                             said != NULL ? said : message_for_status (status));
  }
}

/* Only called for a certificate the session's database refused: kept for
 * the error message, and refused. */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Request *request = user_data;

  g_set_object (&request->peer, certificate);
  request->peer_errors = errors;
  return FALSE;
}

/**
 * pv_client_request_async:
 * @method: an HTTP method
 * @path: a path below the base URL, such as `/api/v1/tenant`
 * @body: (nullable): a JSON body
 *
 * Sends one management API request; the answer is a JSON object or a
 * #PvError.
 */
void
pv_client_request_async (PvClient            *self,
                         const char          *method,
                         const char          *path,
                         JsonNode            *body,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  pv_client_request_full_async (self, method, path, body, NULL, cancellable, callback, user_data);
}

/**
 * pv_client_request_full_async:
 * @idempotency_key: (nullable): sent as the Idempotency-Key header, the
 *   same for every retry of one intent
 *
 * pv_client_request_async() with an Idempotency-Key; finish it with
 * pv_client_request_finish().
 */
void
pv_client_request_full_async (PvClient            *self,
                              const char          *method,
                              const char          *path,
                              JsonNode            *body,
                              const char          *idempotency_key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  Request *request;

  g_return_if_fail (PV_IS_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_client_request_async);

  url = g_strconcat (self->base_url, path, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                               _("“%s” is not a server address"), self->base_url);
      return;
    }
  /* Before the key is put anywhere. */
  if (!self->allow_insecure_http && pv_tls_url_is_insecure (self->base_url))
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_TLS,
                               _("%s is plain HTTP to another computer: the admin API key would cross the "
                                 "network unencrypted. Use https://, or allow plain HTTP for this tenant "
                                 "explicitly (provisioctl tenant add --allow-insecure-http)"),
                               self->base_url);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  if (self->api_key != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->api_key, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
    }
  if (idempotency_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key",
                                  idempotency_key);
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  request = g_new0 (Request, 1);
  request->msg = g_object_ref (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), request);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    sent_cb, g_steal_pointer (&task));
}

/**
 * pv_client_request_finish:
 *
 * Returns: (transfer full): the answer, a JSON object
 */
JsonObject *
pv_client_request_finish (PvClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (PV_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_client_request_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pv_client_request_get_error_answer:
 * @result: the result of a request that failed with an error status
 *
 * Returns: (transfer none) (nullable): the JSON object the server sent
 *   with its error status, such as a refused issue's token
 */
JsonObject *
pv_client_request_get_error_answer (GAsyncResult *result)
{
  Request *request;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_client_request_async, NULL);

  request = g_task_get_task_data (G_TASK (result));
  return request != NULL ? request->error_answer : NULL;
}
