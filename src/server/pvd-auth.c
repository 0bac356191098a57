/* pvd-auth.c: admin keys and SCIM tokens, and the limit of failed authentications
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-auth"

#include "config.h"

#include "pv-token.h"
#include "pvd-auth.h"
#include "pvd-http.h"

#define MAX_TRACKED_ADDRESSES 10000

typedef struct {
  gint64 window_start;   /* monotonic seconds */
  guint  count;
} PvdAuthFailures;

/* What an admin key stands for, kept while no credential changed
 * (pvd_store_get_credentials_generation()), so that a request needs no
 * query to authenticate. */
typedef struct {
  PvdApiKey      *key;
  PvdTenant      *tenant;
  PvExpiryPolicy  policy;
  gint64          generation;
} PvdAuthEntry;

/* What a SCIM token stands for, kept like PvdAuthEntry. */
typedef struct {
  PvdTenant *tenant;
  PvdToken  *token;
  gboolean   enabled;
  gint64     generation;
} PvdScimAuthEntry;

static void
scim_auth_entry_free (PvdScimAuthEntry *entry)
{
  pvd_tenant_free (entry->tenant);
  pvd_token_free (entry->token);
  g_free (entry);
}

static void
auth_entry_free (PvdAuthEntry *entry)
{
  pvd_api_key_free (entry->key);
  pvd_tenant_free (entry->tenant);
  g_free (entry);
}

/* Failed authentications are counted per client address in a fixed window
 * of real time (not the test clock), and once over the limit that address
 * gets 429 until the window ends, valid key or not. */
gboolean
pvd_rate_limited (PvdServer         *self,
                  PvdMessage        *msg)
{
  PvdAuthFailures *failures;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gint64 retry_after = 0;

  /* Nobody has failed lately: no need to take the lock. */
  if (g_atomic_int_get (&self->n_failing) == 0)
    return FALSE;

  g_mutex_lock (&self->lock);
  failures = g_hash_table_lookup (self->auth_failures, pvd_message_get_remote_host (msg));
  if (failures != NULL && failures->count >= self->options.auth_failure_limit)
    retry_after = failures->window_start + PVD_AUTH_FAILURE_WINDOW - now;
  g_mutex_unlock (&self->lock);

  if (retry_after <= 0)
    return FALSE;

  pvd_set_retry_after (msg, retry_after);
  return TRUE;
}

/* What this server knows of @address's failures: its own count, plus one
 * if @add; or, where it learns the count of every node (@shared_start in
 * real time, @shared_count), that count if larger.  A shared count
 * includes this server's failure already: added again, a failure that
 * another worker counted in the database meanwhile would be counted
 * twice here.
 * Returns: whether the address is past the limit with this count */
static gboolean
remember_failures (PvdServer  *self,
                   const char *address,
                   gboolean    add,
                   gboolean    shared,
                   gint64      shared_start,
                   gint64      shared_count)
{
  PvdAuthFailures *failures;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean past;

  g_mutex_lock (&self->lock);
  failures = g_hash_table_lookup (self->auth_failures, address);
  if (failures == NULL)
    {
      /* Bounded memory even if many addresses fail: forget them all. */
      if (g_hash_table_size (self->auth_failures) >= MAX_TRACKED_ADDRESSES)
        g_hash_table_remove_all (self->auth_failures);
      failures = g_new0 (PvdAuthFailures, 1);
      g_hash_table_insert (self->auth_failures, g_strdup (address), failures);
      g_atomic_int_set (&self->n_failing, g_hash_table_size (self->auth_failures));
    }
  if (failures->count == 0 || now - failures->window_start >= PVD_AUTH_FAILURE_WINDOW)
    {
      failures->window_start = now;
      failures->count = 0;
    }
  if (add && !shared)
    failures->count++;
  if (shared && shared_count > failures->count)
    {
      failures->window_start = now - (real_now - shared_start);
      failures->count = shared_count;
    }
  /* Where the database counted, its answer decides: another worker may
   * have learned a later count first. */
  past = (shared ? shared_count : failures->count) > self->options.auth_failure_limit;
  g_mutex_unlock (&self->lock);
  return past;
}

/**
 * pvd_count_auth_failure:
 *
 * Counts a failed authentication here, and where nodes share the database
 * also there, in one statement: the count of every node, once this one
 * learns it, is this one's.  Requests checked at the same time, on other
 * workers or nodes, may take the count past the limit: the answer to such
 * a failure is then 429, not 401, so that from one address at most the
 * limit's number of wrong credentials in a window is ever told so.
 *
 * Returns: whether this failure went past the limit; if so, the answer's
 *   Retry-After is set
 */
gboolean
pvd_count_auth_failure (PvdServer         *self,
                        PvdStore          *store,
                        PvdMessage        *msg)
{
  const char *address = pvd_message_get_remote_host (msg);
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 shared_start = 0, shared_count = 0;
  gboolean shared;

  shared = pvd_store_count_auth_failure (store, address, real_now, PVD_AUTH_FAILURE_WINDOW,
                                         &shared_start, &shared_count);
  if (!remember_failures (self, address, TRUE, shared, shared_start, shared_count))
    return FALSE;
  pvd_rate_limited (self, msg);   /* sets Retry-After */
  return TRUE;
}

/* Before a credential is checked in the database: where nodes share it,
 * whether the address reached the limit on any of them.  The workers'
 * caches answer for credentials already found right without this. */
static gboolean
rate_limited_anywhere (PvdServer         *self,
                       PvdStore          *store,
                       PvdMessage        *msg)
{
  const char *address = pvd_message_get_remote_host (msg);
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 shared_start = 0, shared_count = 0;

  if (!pvd_store_get_auth_failures (store, address, real_now, PVD_AUTH_FAILURE_WINDOW,
                                    &shared_start, &shared_count) ||
      shared_count < self->options.auth_failure_limit)
    return FALSE;
  remember_failures (self, address, FALSE, TRUE, shared_start, shared_count);
  return pvd_rate_limited (self, msg);
}

static void
send_rate_limited (PvdMessage        *msg)
{
  pvd_send_error (msg, 429, "rate_limited",
                  "Too many failed authentications from this address; try again later");
}

/**
 * pvd_authenticate_admin:
 *
 * Authenticates a management API request with its admin key, from the
 * worker's cache while no credential changed; sets the request's key,
 * tenant and policy.  Otherwise answers the request (401, 429, 503).
 *
 * Returns: whether the request may go on
 */
gboolean
pvd_authenticate_admin (PvdRequest *req)
{
  g_autofree char *secret = pvd_bearer_token (req->msg);
  g_autofree char *digest = NULL;
  g_autoptr(GError) error = NULL;
  PvdAuthEntry *entry = NULL;
  gint64 generation = -1;
  PvTokenKind kind;

  if (pvd_rate_limited (req->server, req->msg))
    {
      send_rate_limited (req->msg);
      return FALSE;
    }

  if (secret == NULL)
    {
      gboolean other_scheme = pvd_message_get_header (req->msg, "Authorization") != NULL;

      if (pvd_count_auth_failure (req->server, req->store, req->msg))
        send_rate_limited (req->msg);
      else
        pvd_send_error (req->msg, 401, "unauthorized",
                        other_scheme ? "The Authorization header must use the Bearer scheme "
                                       "with an admin API key"
                                     : "An admin API key is needed: send “Authorization: Bearer pva_…”");
      return FALSE;
    }

  if (pv_token_is_well_formed (secret, &kind) && kind == PV_TOKEN_ADMIN)
    {
      digest = pv_token_digest (secret);
      entry = g_hash_table_lookup (req->worker->auth_cache, digest);
      generation = pvd_store_get_credentials_generation (req->store);
      if (entry != NULL &&
          (generation < 0 || entry->generation != generation ||
           entry->key->expires_at <= req->now || req->now - entry->key->last_used_at >= 60 ||
           entry->key->replaced_by != NULL))
        entry = NULL;
    }

  if (entry == NULL)
    {
      g_autoptr(PvdApiKey) key = NULL;
      g_autoptr(PvdTenant) tenant = NULL;

      if (rate_limited_anywhere (req->server, req->store, req->msg))
        {
          send_rate_limited (req->msg);
          return FALSE;
        }
      key = pvd_store_authenticate_admin (req->store, secret, req->now,
                                          req->server->options.retire_grace, &error);
      if (key == NULL)
        {
          if ((g_error_matches (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED) ||
               g_error_matches (error, PVD_ERROR, PVD_ERROR_KEY_EXPIRED)) &&
              pvd_count_auth_failure (req->server, req->store, req->msg))
            send_rate_limited (req->msg);
          else
            pvd_send_store_error (req->msg, error);
          return FALSE;
        }
      tenant = pvd_store_get_tenant_by_id (req->store, key->tenant_id, &error);
      if (tenant == NULL)
        {
          pvd_send_store_error (req->msg, error);
          return FALSE;
        }

      entry = g_new0 (PvdAuthEntry, 1);
      pv_expiry_policy_init_default (&entry->policy);
      if (!pv_expiry_policy_parse (&entry->policy, tenant->reminder_thresholds, &error))
        g_warning ("Tenant %s has invalid reminder thresholds: %s", tenant->slug, error->message);
      entry->key = g_steal_pointer (&key);
      entry->tenant = g_steal_pointer (&tenant);
      /* Read before the key: what changed since, the next request sees. */
      entry->generation = generation;

      if (g_hash_table_size (req->worker->auth_cache) >= PVD_MAX_CACHED_ENTRIES)
        g_hash_table_remove_all (req->worker->auth_cache);
      g_hash_table_replace (req->worker->auth_cache,
                            digest ? g_steal_pointer (&digest) : pv_token_digest (secret), entry);
    }

  req->key = entry->key;
  req->tenant = entry->tenant;
  req->policy = entry->policy;
  return TRUE;
}

/**
 * pvd_scim_authenticate:
 * @msg: the request, for its address
 * @slug: the tenant of the SCIM URL
 * @kind: the connection of the SCIM URL
 * @secret: the bearer token sent
 * @out_tenant: (out) (transfer none): the tenant, on %PVD_SCIM_AUTH_OK
 * @out_token: (out) (transfer none): the token, likewise
 * @out_enabled: (out): whether the connection is enabled, likewise
 * @error: set only when the database fails
 *
 * Authenticates a SCIM request.  While no credential changed
 * (pvd_store_get_credentials_generation(): a SCIM write changes none) and
 * the token's use was recorded this second, the answer comes from the
 * worker's cache without a query; otherwise from the store, which records
 * the use.
 * A change (@provisions, pvd_scim_request_provisions()) with a token that
 * replaces another always asks the store: it may start the old token's
 * retirement.  %PVD_SCIM_AUTH_LIMITED: the address reached the limit of
 * failed authentications on another node, and the answer's Retry-After is
 * set.
 * Called inside the caller's pvd_store_begin_read(), so that a look-up
 * and its authentication share one read transaction; a write of the
 * token's use ends it.
 * The pointers stay valid until the worker's next authentication.
 */
PvdScimAuth
pvd_scim_authenticate (PvdWorker         *worker,
                       PvdMessage        *msg,
                       const char        *slug,
                       const char        *kind,
                       const char        *secret,
                       const char        *user_agent,
                       gboolean           provisions,
                       gint64             now,
                       const PvdTenant  **out_tenant,
                       const PvdToken   **out_token,
                       gboolean          *out_enabled,
                       GError           **error)
{
  PvdStore *store = worker->store;
  PvdScimAuthEntry *entry = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(PvdTenant) tenant = NULL;
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 generation;
  PvTokenKind token_kind;
  PvdScimAuth result;

  if (!pv_token_is_well_formed (secret, &token_kind) || token_kind != PV_TOKEN_SCIM)
    return PVD_SCIM_AUTH_UNKNOWN;

  digest = pv_token_digest (secret);
  generation = pvd_store_get_credentials_generation (store);
  entry = g_hash_table_lookup (worker->scim_cache, digest);
  if (entry != NULL && generation >= 0 && entry->generation == generation &&
      g_str_equal (entry->tenant->slug, slug) && g_str_equal (entry->token->kind, kind) &&
      pvd_token_is_active (entry->token, now) && now - entry->token->last_used_at < 1 &&
      entry->token->retires_at == 0 && !(provisions && entry->token->replaces != NULL) &&
      (user_agent == NULL || g_strcmp0 (user_agent, entry->token->last_user_agent) == 0))
    goto done;

  if (rate_limited_anywhere (worker->server, store, msg))
    return PVD_SCIM_AUTH_LIMITED;
  tenant = pvd_store_get_tenant (store, slug, &local_error);
  if (tenant == NULL)
    {
      /* An unknown tenant is an unknown token; a database away is not. */
      if (!g_error_matches (local_error, PVD_ERROR, PVD_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return PVD_SCIM_AUTH_UNKNOWN;
    }
  result = pvd_store_authenticate_scim (store, secret, tenant->id, kind, user_agent, provisions, now,
                                        worker->server->options.retire_grace, &token, error);
  if (result != PVD_SCIM_AUTH_OK || (error != NULL && *error != NULL))
    return result;
  connection = pvd_store_get_connection (store, tenant->id, kind, error);
  if (connection == NULL)
    return PVD_SCIM_AUTH_UNKNOWN;

  entry = g_new0 (PvdScimAuthEntry, 1);
  entry->tenant = g_steal_pointer (&tenant);
  entry->token = g_steal_pointer (&token);
  entry->enabled = connection->enabled;
  /* Read before the token: what changed since, the next request sees. */
  entry->generation = generation;

  if (g_hash_table_size (worker->scim_cache) >= PVD_MAX_CACHED_ENTRIES)
    g_hash_table_remove_all (worker->scim_cache);
  g_hash_table_replace (worker->scim_cache, g_steal_pointer (&digest), entry);

done:
  *out_tenant = entry->tenant;
  *out_token = entry->token;
  *out_enabled = entry->enabled;
  return PVD_SCIM_AUTH_OK;
}

/**
 * pvd_auth_start:
 *
 * Makes the worker's caches of what keys and tokens stand for.
 */
void
pvd_auth_start (PvdWorker *worker)
{
  worker->auth_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) auth_entry_free);
  worker->scim_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) scim_auth_entry_free);
}

void
pvd_auth_stop (PvdWorker *worker)
{
  g_clear_pointer (&worker->auth_cache, g_hash_table_unref);
  g_clear_pointer (&worker->scim_cache, g_hash_table_unref);
}
