/* pvd-api.c: the management API under /api/v1
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-api"

#include "config.h"

#include <string.h>

#include "pv-time.h"
#include "pv-token.h"
#include "pvd-auth.h"
#include "pvd-http.h"
#include "pvd-server-private.h"

static void
send_builder (PvdRequest  *req,
              guint        status,
              JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  pvd_send_json (req->msg, status, NULL, root);
}

static void
add_expiry (JsonBuilder    *builder,
            PvdRequest     *req,
            gint64          expires_at)
{
  pvd_json_int (builder, "days_left", pv_expiry_days_left (expires_at, req->now));
  pvd_json_string (builder, "state",
                   pv_expiry_state_to_string (pv_expiry_state (&req->policy, expires_at, req->now)));
}

static void
add_thresholds (JsonBuilder          *builder,
                const char           *member,
                const PvExpiryPolicy *policy)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->n_thresholds; i++)
    json_builder_add_int_value (builder, policy->thresholds[i]);
  json_builder_end_array (builder);
}

/* GET /api/v1/tenant */

static void
get_tenant (PvdRequest *req)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  pvd_json_string (b, "id", req->tenant->slug);
  pvd_json_string (b, "name", req->tenant->name);
  pvd_json_string (b, "plan", req->tenant->plan);
  pvd_json_time (b, "created_at", req->tenant->created_at);
  pvd_json_time (b, "server_time", req->now);

  json_builder_set_member_name (b, "api_key");
  json_builder_begin_object (b);
  pvd_json_string (b, "id", req->key->id);
  pvd_json_string (b, "prefix", req->key->prefix);
  pvd_json_string (b, "owner", req->key->owner);
  pvd_json_time (b, "created_at", req->key->created_at);
  pvd_json_time (b, "expires_at", req->key->expires_at);
  add_expiry (b, req, req->key->expires_at);
  json_builder_end_object (b);

  add_thresholds (b, "reminder_thresholds_days", &req->policy);
  json_builder_end_object (b);

  send_builder (req, 200, b);
}

/* Admin API keys */

static void
add_api_key (JsonBuilder     *b,
             PvdRequest      *req,
             const PvdApiKey *key)
{
  json_builder_begin_object (b);
  pvd_json_string (b, "id", key->id);
  pvd_json_string (b, "prefix", key->prefix);
  pvd_json_string (b, "owner", key->owner);
  pvd_json_time (b, "created_at", key->created_at);
  pvd_json_time (b, "expires_at", key->expires_at);
  pvd_json_time (b, "last_used_at", key->last_used_at);
  add_expiry (b, req, key->expires_at);
  pvd_json_bool (b, "current", g_strcmp0 (key->id, req->key->id) == 0);
  pvd_json_string (b, "replaces", key->replaces);
  pvd_json_string (b, "replaced_by", key->replaced_by);
  pvd_json_time (b, "retires_at", pvd_api_key_retires_at (key, req->server->options.retire_grace));
  json_builder_end_object (b);
}

/* A key that still works: not revoked, not expired, not retired. */
static gboolean
api_key_is_active (const PvdApiKey *key,
                   PvdRequest      *req)
{
  gint64 retires_at = pvd_api_key_retires_at (key, req->server->options.retire_grace);

  return key->revoked_at == 0 && key->expires_at > req->now && (retires_at == 0 || retires_at > req->now);
}

/* GET /api/v1/keys: the tenant's working keys, without secrets */
static void
list_api_keys (PvdRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = pvd_store_list_api_keys (req->store, req->tenant->id, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (keys == NULL)
    {
      pvd_send_store_error (req->msg, error);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < keys->len; i++)
    if (api_key_is_active (g_ptr_array_index (keys, i), req))
      add_api_key (b, req, g_ptr_array_index (keys, i));
  json_builder_end_array (b);
  pvd_json_int (b, "retire_grace_seconds", pvd_key_retire_window (req->server->options.retire_grace));
  pvd_json_time (b, "server_time", req->now);
  json_builder_end_object (b);
  send_builder (req, 200, b);
}

/* POST /api/v1/keys: a new key that replaces the key of the request */
static void
rotate_api_key (PvdRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdApiKey) key = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *secret = pvd_store_rotate_api_key (req->store, req->key, req->now, &key, &error);

  if (secret == NULL)
    {
      pvd_send_store_error (req->msg, error);
      return;
    }
  g_message ("Admin key %s… of %s rotated; %s… replaces it", req->key->prefix, req->key->owner, key->prefix);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  add_api_key (b, req, key);
  pvd_json_string (b, "secret", secret);
  pvd_json_string (b, "replaces", req->key->id);
  pvd_json_int (b, "retire_grace_seconds", pvd_key_retire_window (req->server->options.retire_grace));
  json_builder_end_object (b);
  pv_secret_free (g_steal_pointer (&secret));

  send_builder (req, 201, b);
}

/* SSO */

static void
send_sso (PvdRequest   *req,
          const PvdSso *sso)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *base = req->server->options.public_url;
  const char *slug = req->tenant->slug;
  gboolean saml = g_strcmp0 (sso->protocol, "oidc") != 0;
  g_autofree char *entity_id = g_strdup_printf ("%s/t/%s", base, slug);
  g_autofree char *reply_url = saml ? g_strdup_printf ("%s/t/%s/saml/acs", base, slug)
                                    : g_strdup_printf ("%s/t/%s/oidc/callback", base, slug);
  g_autofree char *sign_on_url = g_strdup_printf ("%s/t/%s/login", base, slug);
  g_autofree char *metadata_url = saml ? g_strdup_printf ("%s/t/%s/saml/metadata", base, slug)
                                       : g_strdup_printf ("%s/t/%s/.well-known/openid-configuration",
                                                          base, slug);

  json_builder_begin_object (b);
  pvd_json_bool (b, "configured", sso->idp_entity_id != NULL || sso->cert_not_after != 0);
  pvd_json_string (b, "protocol", saml ? "saml" : "oidc");
  pvd_json_string (b, "entity_id", entity_id);
  pvd_json_string (b, "reply_url", reply_url);
  pvd_json_string (b, "sign_on_url", sign_on_url);
  pvd_json_string (b, "metadata_url", metadata_url);
  pvd_json_string (b, "idp_entity_id", sso->idp_entity_id);
  pvd_json_bool (b, "enforced", sso->enforced);
  json_builder_set_member_name (b, "certificate");
  if (sso->cert_not_after == 0)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      pvd_json_string (b, "subject", sso->cert_subject ? sso->cert_subject : "");
      pvd_json_string (b, "fingerprint_sha256", sso->cert_fingerprint);
      pvd_json_time (b, "not_before", sso->cert_not_before);
      pvd_json_time (b, "not_after", sso->cert_not_after);
      add_expiry (b, req, sso->cert_not_after);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  send_builder (req, 200, b);
}

static void
get_sso (PvdRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdSso) sso = pvd_store_get_sso (req->store, req->tenant->id, &error);

  if (sso == NULL)
    pvd_send_store_error (req->msg, error);
  else
    send_sso (req, sso);
}

static gboolean
read_certificate (PvdRequest  *req,
                  const char  *pem,
                  PvdSso      *sso)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autofree char *subject = NULL;

  if (cert == NULL)
    {
      pvd_send_error (req->msg, 400, "invalid_request",
                      "“certificate_pem” is not a PEM certificate: %s", error->message);
      return FALSE;
    }

  g_object_get (cert,
                "certificate", &der,
                "not-valid-before", &not_before,
                "not-valid-after", &not_after,
                "subject-name", &subject,
                NULL);
  if (der == NULL || not_before == NULL || not_after == NULL)
    {
      pvd_send_error (req->msg, 400, "invalid_request",
                      "“certificate_pem” has no validity period");
      return FALSE;
    }

  g_free (sso->cert_fingerprint);
  sso->cert_fingerprint = pvd_sso_fingerprint (der->data, der->len);
  g_free (sso->cert_subject);
  sso->cert_subject = g_steal_pointer (&subject);
  sso->cert_not_before = g_date_time_to_unix (not_before);
  sso->cert_not_after = g_date_time_to_unix (not_after);
  return TRUE;
}

static void
update_sso (PvdRequest *req)
{
  JsonObject *body = json_node_get_object (req->body);
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdSso) sso = g_new0 (PvdSso, 1);
  PvdSsoFields fields = 0;

  /* Only what the request names is written: a setting changed meanwhile
   * (on another node) stays as that change left it. */
  sso->tenant_id = req->tenant->id;
  if (json_object_has_member (body, "protocol"))
    {
      sso->protocol = g_strdup (json_object_get_string_member (body, "protocol"));
      fields |= PVD_SSO_PROTOCOL;
    }
  if (json_object_has_member (body, "idp_entity_id"))
    {
      sso->idp_entity_id = g_strdup (json_object_get_string_member (body, "idp_entity_id"));
      fields |= PVD_SSO_IDP_ENTITY_ID;
    }
  if (json_object_has_member (body, "enforced"))
    {
      sso->enforced = json_object_get_boolean_member (body, "enforced");
      fields |= PVD_SSO_ENFORCED;
    }
  if (json_object_has_member (body, "certificate_pem"))
    {
      if (!read_certificate (req, json_object_get_string_member (body, "certificate_pem"), sso))
        return;
      fields |= PVD_SSO_CERTIFICATE;
    }

  if (!pvd_store_update_sso (req->store, sso, fields, &error))
    {
      pvd_send_store_error (req->msg, error);
      return;
    }
  g_clear_pointer (&sso, pvd_sso_free);
  if (!(sso = pvd_store_get_sso (req->store, req->tenant->id, &error)))
    pvd_send_store_error (req->msg, error);
  else
    send_sso (req, sso);
}

/* Provisioning connections */

/* What a token and a deleted token have in common. */
static void
add_token_identity (JsonBuilder    *b,
                    const PvdToken *t)
{
  pvd_json_string (b, "id", t->id);
  pvd_json_string (b, "prefix", t->prefix);
  pvd_json_string (b, "description", t->description);
  pvd_json_time (b, "created_at", t->created_at);
  pvd_json_string (b, "created_by", t->created_by);
  pvd_json_time (b, "expires_at", t->expires_at);
  pvd_json_time (b, "last_used_at", t->last_used_at);
}

static void
add_token (JsonBuilder    *b,
           PvdRequest     *req,
           const PvdToken *t)
{
  gboolean pending = t->replaced_by != NULL;

  json_builder_begin_object (b);
  add_token_identity (b, t);
  add_expiry (b, req, t->expires_at);
  pvd_json_string (b, "last_user_agent", t->last_user_agent);
  pvd_json_string (b, "replaces", t->replaces);
  pvd_json_string (b, "replaced_by", t->replaced_by);
  pvd_json_string (b, "retire", pending ? t->retire : NULL);
  pvd_json_time (b, "retires_at", pending ? t->retires_at : 0);
  json_builder_end_object (b);
}

static gint64
deleted_at (const PvdToken *t)
{
  return t->revoked_at != 0 ? t->revoked_at : t->retires_at;
}

static void
add_deleted_token (JsonBuilder    *b,
                   const PvdToken *t)
{
  json_builder_begin_object (b);
  add_token_identity (b, t);
  pvd_json_time (b, "deleted_at", deleted_at (t));
  pvd_json_string (b, "deleted_by", t->revoked_by ? t->revoked_by : "provisiod");
  pvd_json_string (b, "reason", t->revoke_reason ? t->revoke_reason : "revoked");
  json_builder_end_object (b);
}

static int
compare_deleted (gconstpointer a,
                 gconstpointer b)
{
  const PvdToken *x = *(PvdToken **) a;
  const PvdToken *y = *(PvdToken **) b;
  gint64 dx = deleted_at (x), dy = deleted_at (y);

  return (dx < dy) - (dx > dy);
}

static gboolean
add_connection (JsonBuilder *b,
                PvdRequest  *req,
                const char  *kind,
                GError     **error)
{
  PvdStore *store = req->store;
  g_autoptr(PvdConnection) c = pvd_store_get_connection (store, req->tenant->id, kind, error);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) deleted = g_ptr_array_new ();
  g_autofree char *scim_url = NULL;
  gint64 writes;
  guint n_active = 0;

  if (c == NULL ||
      !(tokens = pvd_store_list_tokens (store, req->tenant->id, kind, error)) ||
      (writes = pvd_store_count_scim_writes (store, req->tenant->id, kind,
                                            req->now - 86400, error)) < 0)
    return FALSE;

  scim_url = pvd_scim_base_url (req->server, req->tenant->slug, kind);

  json_builder_begin_object (b);
  pvd_json_string (b, "kind", kind);
  pvd_json_bool (b, "enabled", c->enabled);
  pvd_json_string (b, "identity_provider", c->identity_provider);
  pvd_json_string (b, "scim_base_url", scim_url);

  json_builder_set_member_name (b, "token_policy");
  json_builder_begin_object (b);
  pvd_json_int (b, "lifetime_days", c->token_lifetime_days);
  pvd_json_int (b, "min_lifetime_days", PVD_TOKEN_MIN_LIFETIME_DAYS);
  pvd_json_int (b, "max_lifetime_days", PVD_TOKEN_MAX_LIFETIME_DAYS);
  pvd_json_int (b, "max_active", PVD_TOKEN_MAX_ACTIVE);
  pvd_json_int (b, "retire_grace_seconds",
                pvd_retire_window (c->identity_provider, req->server->options.retire_grace));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "tokens");
  json_builder_begin_array (b);
  for (guint i = 0; i < tokens->len; i++)
    {
      PvdToken *t = g_ptr_array_index (tokens, i);

      if (pvd_token_is_deleted (t, req->now))
        {
          /* Deleted tokens are listed until their original expiry. */
          if (t->expires_at > req->now)
            g_ptr_array_add (deleted, t);
          continue;
        }
      if (pvd_token_is_active (t, req->now))
        n_active++;
      add_token (b, req, t);
    }
  json_builder_end_array (b);

  g_ptr_array_sort (deleted, compare_deleted);
  json_builder_set_member_name (b, "deleted_tokens");
  json_builder_begin_array (b);
  for (guint i = 0; i < deleted->len; i++)
    add_deleted_token (b, g_ptr_array_index (deleted, i));
  json_builder_end_array (b);

  pvd_json_time (b, "last_request_at", c->last_request_at);
  pvd_json_string (b, "last_request_token_id", c->last_request_token_id);

  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  pvd_json_int (b, "active_tokens", n_active);
  pvd_json_int (b, "scim_writes_24h", writes);
  json_builder_end_object (b);

  json_builder_end_object (b);
  return TRUE;
}

static void
send_connection (PvdRequest *req,
                 const char *kind)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!add_connection (b, req, kind, &error))
    pvd_send_store_error (req->msg, error);
  else
    send_builder (req, 200, b);
}

/* The dispatcher has checked {kind} already. */
static const char *
path_kind (PvdRequest *req)
{
  g_assert (pvd_kind_is_valid (req->params[0]));
  return req->params[0];
}

static void
list_connections (PvdRequest *req)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  if (!add_connection (b, req, "users", &error) ||
      !add_connection (b, req, "persons", &error))
    {
      pvd_send_store_error (req->msg, error);
      return;
    }
  json_builder_end_array (b);
  pvd_json_time (b, "server_time", req->now);
  json_builder_end_object (b);

  send_builder (req, 200, b);
}

static void
get_connection (PvdRequest *req)
{
  const char *kind = path_kind (req);

  if (kind != NULL)
    send_connection (req, kind);
}

static void
update_connection (PvdRequest *req)
{
  JsonObject *body = json_node_get_object (req->body);
  const char *kind = path_kind (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdConnection) c = NULL;
  PvdConnectionFields fields = 0;

  if (kind == NULL)
    return;
  c = pvd_store_get_connection (req->store, req->tenant->id, kind, &error);
  if (c == NULL)
    {
      pvd_send_store_error (req->msg, error);
      return;
    }

  /* Only what the request names is written: a setting changed meanwhile
   * (on another node) stays as that change left it. */
  if (json_object_has_member (body, "enabled"))
    {
      c->enabled = json_object_get_boolean_member (body, "enabled");
      fields |= PVD_CONNECTION_ENABLED;
    }
  if (json_object_has_member (body, "identity_provider"))
    {
      g_free (c->identity_provider);
      c->identity_provider = g_strdup (json_object_get_string_member (body, "identity_provider"));
      fields |= PVD_CONNECTION_IDENTITY_PROVIDER;
    }
  if (json_object_has_member (body, "token_lifetime_days"))
    {
      c->token_lifetime_days = json_object_get_int_member (body, "token_lifetime_days");
      fields |= PVD_CONNECTION_TOKEN_LIFETIME;
    }

  if (!pvd_store_update_connection (req->store, c, fields, &error))
    pvd_send_store_error (req->msg, error);
  else
    send_connection (req, kind);
}

/* The token a refused issue is about, in the error answer. */
typedef struct {
  PvdRequest     *req;
  const PvdToken *token;
} IssueConflict;

static void
add_conflict_token (JsonBuilder *b,
                    gpointer     user_data)
{
  IssueConflict *conflict = user_data;

  json_builder_set_member_name (b, "token");
  add_token (b, conflict->req, conflict->token);
}

/* An Idempotency-Key is an opaque string the client makes up for one
 * intent (a UUID, say): visible ASCII, at most 128 characters. */
static gboolean
idempotency_key_is_valid (const char *key)
{
  gsize length = strlen (key);

  if (length == 0 || length > 128)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (key[i] < 0x21 || key[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static void
issue_token (PvdRequest *req)
{
  JsonObject *body = json_node_get_object (req->body);
  const char *kind = path_kind (req);
  const char *retire_text = "on-first-use";
  PvdIssue issue = { NULL, 0, PVD_RETIRE_ON_FIRST_USE, req->key->owner, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(PvdToken) conflict = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *secret = NULL;
  g_autofree char *scim_url = NULL;

  if (kind == NULL)
    return;

  issue.idempotency_key =
    pvd_message_get_header (req->msg, "Idempotency-Key");
  if (issue.idempotency_key != NULL && !idempotency_key_is_valid (issue.idempotency_key))
    {
      pvd_send_error (req->msg, 400, "invalid_parameter",
                      "The Idempotency-Key header must be 1 to 128 visible ASCII characters");
      return;
    }
  if (json_object_has_member (body, "retire"))
    retire_text = json_object_get_string_member (body, "retire");
  if (json_object_has_member (body, "description"))
    issue.description = json_object_get_string_member (body, "description");
  if (json_object_has_member (body, "lifetime_days"))
    issue.lifetime_days = json_object_get_int_member (body, "lifetime_days");
  if (json_object_has_member (body, "replace_unused"))
    issue.replace_unused = json_object_get_string_member (body, "replace_unused");
  if (!pvd_retire_from_string (retire_text, &issue.retire))
    g_assert_not_reached ();   /* the schema's enum */

  secret = pvd_store_issue_token_full (req->store, req->tenant->id, kind, &issue, req->now,
                                       &token, &conflict, &error);
  if (secret == NULL)
    {
      IssueConflict extra = { req, conflict };

      pvd_send_store_error_full (req->msg, error, conflict ? add_conflict_token : NULL, &extra);
      return;
    }

  scim_url = pvd_scim_base_url (req->server, req->tenant->slug, kind);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  add_token (b, req, token);
  pvd_json_string (b, "secret", secret);
  pvd_json_string (b, "scim_base_url", scim_url);
  pvd_json_string (b, "replaces", token->replaces);
  pvd_json_string (b, "retire", retire_text);
  json_builder_end_object (b);

  send_builder (req, 201, b);
}

static void
revoke_token (PvdRequest *req)
{
  const char *kind = path_kind (req);
  const char *force = req->query ? g_hash_table_lookup (req->query, "force") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (kind == NULL)
    return;
  if (force != NULL && !g_str_equal (force, "true") && !g_str_equal (force, "false"))
    {
      pvd_send_error (req->msg, 400, "invalid_parameter", "“force” must be true or false");
      return;
    }

  token = pvd_store_revoke_token (req->store, req->tenant->id, kind, req->params[1],
                                  req->key->owner, g_strcmp0 (force, "true") == 0, req->now,
                                  &error);
  if (token == NULL)
    {
      pvd_send_store_error (req->msg, error);
      return;
    }

  add_deleted_token (b, token);
  send_builder (req, 200, b);
}

/* Events */

static gboolean
query_int (PvdRequest *req,
           const char *name,
           gint64      min,
           gint64      max,
           gint64     *value)
{
  const char *text = req->query ? g_hash_table_lookup (req->query, name) : NULL;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_signed (text, 10, min, max, value, NULL))
    {
      pvd_send_error (req->msg, 400, "invalid_parameter",
                      "“%s” must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                      name, min, max);
      return FALSE;
    }
  return TRUE;
}

static void
list_events (PvdRequest *req)
{
  const char *kind = path_kind (req);
  const char *since = req->query ? g_hash_table_lookup (req->query, "since") : NULL;
  PvdEventQuery query = { 0 };
  gint64 limit = 100;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (kind == NULL)
    return;
  if (since != NULL && !pv_time_parse (since, &query.since))
    {
      pvd_send_error (req->msg, 400, "invalid_parameter",
                      "“since” must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z");
      return;
    }
  if (!query_int (req, "after_id", 0, G_MAXINT64, &query.after_id) ||
      !query_int (req, "limit", 1, 500, &limit))
    return;
  query.limit = (guint) limit;
  query.token_id = req->query ? g_hash_table_lookup (req->query, "token") : NULL;

  events = pvd_store_list_events (req->store, req->tenant->id, kind, &query, &error);
  if (events == NULL)
    {
      pvd_send_store_error (req->msg, error);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "events");
  json_builder_begin_array (b);
  for (guint i = 0; i < events->len; i++)
    {
      PvdEvent *e = g_ptr_array_index (events, i);

      json_builder_begin_object (b);
      pvd_json_int (b, "id", e->id);
      pvd_json_time (b, "at", e->at);
      pvd_json_string (b, "type", e->type);
      pvd_json_string (b, "token_id", e->token_id);
      pvd_json_string (b, "token_prefix", e->token_prefix);
      pvd_json_string (b, "operation", e->operation);
      json_builder_set_member_name (b, "status");
      if (e->status == 0)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, e->status);
      pvd_json_string (b, "user_agent", e->user_agent);
      pvd_json_string (b, "detail", e->detail);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  pvd_json_time (b, "server_time", req->now);
  json_builder_end_object (b);

  send_builder (req, 200, b);
}

/* Reminders */

typedef struct {
  const char *subject;
  const char *connection;
  const char *token_id;
  gint64      expires_at;
  const char *key_id;
} ReminderItem;

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const ReminderItem *x = a, *y = b;

  return (x->expires_at > y->expires_at) - (x->expires_at < y->expires_at);
}

static void
send_reminders (PvdRequest *req)
{
  static const char *kinds[] = { "users", "persons" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (ReminderItem));
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) persons = NULL;
  GPtrArray **tokens[2] = { &users, &persons };
  g_autoptr(PvdSso) sso = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      GPtrArray *list = *tokens[k] =
        pvd_store_list_tokens (req->store, req->tenant->id, kinds[k], &error);

      if (list == NULL)
        {
          pvd_send_store_error (req->msg, error);
          return;
        }
      for (guint i = 0; i < list->len; i++)
        {
          PvdToken *t = g_ptr_array_index (list, i);
          ReminderItem item = { "token", kinds[k], t->id, t->expires_at };

          if (!pvd_token_is_deleted (t, req->now))
            g_array_append_val (items, item);
        }
    }

  sso = pvd_store_get_sso (req->store, req->tenant->id, &error);
  if (sso == NULL)
    {
      pvd_send_store_error (req->msg, error);
      return;
    }
  if (sso->cert_not_after != 0)
    {
      ReminderItem item = { "certificate", NULL, NULL, sso->cert_not_after };
      g_array_append_val (items, item);
    }
  /* The key of the request, unless it is retiring: its successor counts. */
  if (pvd_api_key_retires_at (req->key, req->server->options.retire_grace) == 0)
    {
      ReminderItem item = { "key", NULL, NULL, req->key->expires_at, req->key->id };
      g_array_append_val (items, item);
    }
  g_array_sort (items, compare_items);

  json_builder_begin_object (b);
  add_thresholds (b, "thresholds_days", &req->policy);
  pvd_json_int (b, "urgent_days", req->policy.urgent_days);
  pvd_json_time (b, "server_time", req->now);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < items->len; i++)
    {
      ReminderItem *item = &g_array_index (items, ReminderItem, i);
      gint crossed = pv_expiry_crossed_threshold (&req->policy, item->expires_at, req->now);
      gboolean expired = item->expires_at <= req->now;

      json_builder_begin_object (b);
      pvd_json_string (b, "subject", item->subject);
      pvd_json_string (b, "connection", item->connection);
      pvd_json_string (b, "token_id", item->token_id);
      if (item->key_id != NULL)
        pvd_json_string (b, "key_id", item->key_id);
      pvd_json_time (b, "expires_at", item->expires_at);
      add_expiry (b, req, item->expires_at);
      json_builder_set_member_name (b, "crossed_threshold_days");
      if (crossed < 0)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, crossed);
      pvd_json_time (b, "next_reminder_at",
                     pv_expiry_next_reminder (&req->policy, item->expires_at, req->now));
      pvd_json_bool (b, "due", crossed >= 0 || expired);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  send_builder (req, 200, b);
}

static void
get_reminders (PvdRequest *req)
{
  send_reminders (req);
}

static void
set_reminders (PvdRequest *req)
{
  JsonArray *array = json_object_get_array_member (json_node_get_object (req->body),
                                                   "thresholds_days");
  gint64 days[PV_EXPIRY_MAX_THRESHOLDS];
  guint n = json_array_get_length (array);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PvExpiryPolicy policy = req->policy;

  g_assert (n <= PV_EXPIRY_MAX_THRESHOLDS);   /* the schema's maxItems */
  for (guint i = 0; i < n; i++)
    days[i] = json_array_get_int_element (array, i);

  if (!pv_expiry_policy_set_thresholds (&policy, days, n, &error))
    {
      pvd_send_error (req->msg, 400, "invalid_request", "“thresholds_days”: %s", error->message);
      return;
    }

  text = pv_expiry_policy_to_string (&policy);
  if (!pvd_store_set_reminders (req->store, req->tenant->id, text, &error))
    {
      pvd_send_store_error (req->msg, error);
      return;
    }
  req->policy = policy;
  send_reminders (req);
}

/* The test clock */

static void
send_clock (PvdRequest *req)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  pvd_json_time (b, "now", pvd_server_now (req->server));
  pvd_json_int (b, "offset_seconds", pvd_server_get_clock_offset (req->server));
  json_builder_end_object (b);
  send_builder (req, 200, b);
}

static void
get_clock (PvdRequest *req)
{
  send_clock (req);
}

static void
set_clock (PvdRequest *req)
{
  JsonObject *body = json_node_get_object (req->body);
  gint64 real = g_get_real_time () / G_USEC_PER_SEC;

  if (json_object_has_member (body, "now"))
    {
      gint64 now;

      /* The schema checked the format. */
      if (!pv_time_parse (json_object_get_string_member (body, "now"), &now))
        g_assert_not_reached ();
      pvd_server_set_clock_offset (req->server, now - real);
    }
  else
    pvd_server_set_clock_offset (req->server, json_object_get_int_member (body, "offset_seconds"));

  g_message ("Test clock set to %+" G_GINT64_FORMAT " s from real time",
             pvd_server_get_clock_offset (req->server));
  send_clock (req);
}

const PvdRoute pvd_api_routes[] = {
  { "/api/v1/tenant", "GET", get_tenant, TRUE },
  { "/api/v1/keys", "GET", list_api_keys, TRUE },
  { "/api/v1/keys", "POST", rotate_api_key, TRUE },
  { "/api/v1/sso", "GET", get_sso, TRUE },
  { "/api/v1/sso", "PATCH", update_sso, TRUE },
  { "/api/v1/provisioning", "GET", list_connections, TRUE },
  { "/api/v1/provisioning/{kind}", "GET", get_connection, TRUE },
  { "/api/v1/provisioning/{kind}", "PATCH", update_connection, TRUE },
  { "/api/v1/provisioning/{kind}/tokens", "POST", issue_token, TRUE },
  { "/api/v1/provisioning/{kind}/tokens/{id}", "DELETE", revoke_token, TRUE },
  { "/api/v1/provisioning/{kind}/events", "GET", list_events, TRUE },
  { "/api/v1/reminders", "GET", get_reminders, TRUE },
  { "/api/v1/reminders", "PUT", set_reminders, TRUE },
  { "/_test/clock", "GET", get_clock, FALSE },
  { "/_test/clock", "PUT", set_clock, FALSE },
};
const gsize pvd_api_n_routes = G_N_ELEMENTS (pvd_api_routes);
