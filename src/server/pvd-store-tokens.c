/* pvd-store-tokens.c: a connection's SCIM tokens: issue, revocation, retirement
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-store-tokens"

#include "config.h"

#include "pv-time.h"
#include "pv-token.h"
#include "pvd-store-private.h"

/* Tokens */

#define TOKEN_COLUMNS \
  "id, tenant_id, kind, prefix, description, created_at, created_by, expires_at," \
  " last_used_at, last_user_agent, replaces, replaced_by, retire, retires_at," \
  " revoked_at, revoked_by, revoke_reason"

static PvdToken *
token_from_row (PvdStmt *stmt)
{
  PvdToken *token = g_new0 (PvdToken, 1);

  token->id = pvd_column_text (stmt, 0);
  token->tenant_id = pvd_column_int64 (stmt, 1);
  token->kind = pvd_column_text (stmt, 2);
  token->prefix = pvd_column_text (stmt, 3);
  token->description = pvd_column_text (stmt, 4);
  token->created_at = pvd_column_int64 (stmt, 5);
  token->created_by = pvd_column_text (stmt, 6);
  token->expires_at = pvd_column_int64 (stmt, 7);
  token->last_used_at = pvd_column_int64 (stmt, 8);
  token->last_user_agent = pvd_column_text (stmt, 9);
  token->replaces = pvd_column_text (stmt, 10);
  token->replaced_by = pvd_column_text (stmt, 11);
  token->retire = pvd_column_text (stmt, 12);
  token->retires_at = pvd_column_int64 (stmt, 13);
  token->revoked_at = pvd_column_int64 (stmt, 14);
  token->revoked_by = pvd_column_text (stmt, 15);
  token->revoke_reason = pvd_column_text (stmt, 16);
  return token;
}

/**
 * pvd_store_list_tokens:
 *
 * Returns: (transfer full): every token of the connection, deleted or not,
 *   newest first
 */
GPtrArray *
pvd_store_list_tokens (PvdStore    *self,
                       gint64       tenant_id,
                       const char  *kind,
                       GError     **error)
{
  static const char sql[] =
    "SELECT " TOKEN_COLUMNS " FROM tokens WHERE tenant_id = ?1 AND kind = ?2"
    " ORDER BY created_at DESC, rowid DESC";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_token_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    g_ptr_array_add (tokens, token_from_row (stmt));
  if (rc != PVD_STEP_DONE)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&tokens);
}

static PvdToken *
get_token (PvdStore    *self,
           gint64       tenant_id,
           const char  *kind,
           const char  *token_id,
           GError     **error)
{
  static const char sql[] =
    "SELECT " TOKEN_COLUMNS " FROM tokens WHERE id = ?1 AND tenant_id = ?2 AND kind = ?3";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  pvd_bind_text (stmt, 1, token_id);
  pvd_bind_int64 (stmt, 2, tenant_id);
  pvd_bind_text (stmt, 3, kind);
  rc = pvd_stmt_step (stmt);
  if (rc == PVD_STEP_ROW)
    return token_from_row (stmt);
  if (rc == PVD_STEP_DONE)
    g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND,
                 "The %s connection has no token “%s”", kind, token_id);
  else
    pvd_store_set_db_error (self, error);
  return NULL;
}

static gboolean
update_token_state (PvdStore        *self,
                    const PvdToken  *token,
                    GError         **error)
{
  static const char sql[] =
    "UPDATE tokens SET replaced_by = ?2, retire = ?3, retires_at = ?4, revoked_at = ?5,"
    " revoked_by = ?6, revoke_reason = ?7, last_used_at = ?8, last_user_agent = ?9"
    " WHERE id = ?1";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  pvd_bind_text (stmt, 1, token->id);
  pvd_bind_text (stmt, 2, token->replaced_by);
  pvd_bind_text (stmt, 3, token->retire);
  pvd_bind_time (stmt, 4, token->retires_at);
  pvd_bind_time (stmt, 5, token->revoked_at);
  pvd_bind_text (stmt, 6, token->revoked_by);
  pvd_bind_text (stmt, 7, token->revoke_reason);
  pvd_bind_time (stmt, 8, token->last_used_at);
  pvd_bind_text (stmt, 9, token->last_user_agent);
  return pvd_store_run (self, stmt, error);
}

static gboolean
insert_token (PvdStore        *self,
              const PvdToken  *token,
              const char      *digest,
              GError         **error)
{
  static const char sql[] =
    "INSERT INTO tokens (id, tenant_id, kind, digest, prefix, description, created_at,"
    " created_by, expires_at, replaces) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  pvd_bind_text (stmt, 1, token->id);
  pvd_bind_int64 (stmt, 2, token->tenant_id);
  pvd_bind_text (stmt, 3, token->kind);
  pvd_bind_text (stmt, 4, digest);
  pvd_bind_text (stmt, 5, token->prefix);
  pvd_bind_text (stmt, 6, token->description ? token->description : "");
  pvd_bind_int64 (stmt, 7, token->created_at);
  pvd_bind_text (stmt, 8, token->created_by);
  pvd_bind_int64 (stmt, 9, token->expires_at);
  pvd_bind_text (stmt, 10, token->replaces);
  return pvd_store_run (self, stmt, error);
}

static void
fill_token_event (PvdEvent       *event,
                  const char     *type,
                  const PvdToken *token,
                  gint64          now,
                  char           *detail)
{
  event->at = now;
  event->type = (char *) type;
  event->token_id = token->id;
  event->token_prefix = token->prefix;
  event->operation = (char *) type;
  event->detail = detail;
  /* Who used it first: what the app shows as the identity provider's switch. */
  if (g_str_equal (type, "token.first-use"))
    event->user_agent = token->last_user_agent;
}

#define ADD_TOKEN_EVENT(self, token, type, now, detail, error) \
  G_STMT_START { \
    PvdEvent _ev = { 0 }; \
    g_autofree char *_detail = (detail); \
    fill_token_event (&_ev, (type), (token), (now), _detail); \
    if (!pvd_store_add_event ((self), (token)->tenant_id, (token)->kind, &_ev, (error))) \
      goto fail; \
  } G_STMT_END

/* The token an earlier request with this Idempotency-Key issued, if any. */
static PvdToken *
find_requested_token (PvdStore    *self,
                      gint64       tenant_id,
                      const char  *kind,
                      const char  *idempotency_key,
                      GError     **error)
{
  static const char sql[] =
    "SELECT token_id FROM token_requests WHERE tenant_id = ?1 AND kind = ?2 AND idempotency_key = ?3";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  pvd_bind_text (stmt, 3, idempotency_key);
  rc = pvd_stmt_step (stmt);
  if (rc == PVD_STEP_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      PvdToken *token = get_token (self, tenant_id, kind, pvd_column_peek_text (stmt, 0),
                                   &local_error);

      /* A token no longer stored leaves nothing to answer with: a new request. */
      if (local_error != NULL && !g_error_matches (local_error, PVD_ERROR, PVD_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return token;
    }
  if (rc != PVD_STEP_DONE)
    pvd_store_set_db_error (self, error);
  return NULL;
}

static gboolean
record_request (PvdStore        *self,
                const PvdToken  *token,
                const char      *idempotency_key,
                GError         **error)
{
  static const char sql[] =
    "INSERT INTO token_requests (tenant_id, kind, idempotency_key, token_id) VALUES (?1, ?2, ?3, ?4)";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  pvd_bind_int64 (stmt, 1, token->tenant_id);
  pvd_bind_text (stmt, 2, token->kind);
  pvd_bind_text (stmt, 3, idempotency_key);
  pvd_bind_text (stmt, 4, token->id);
  return pvd_store_run (self, stmt, error);
}

/* Who issued a token and when, for the messages of a refused issue. */
static char *
token_origin (const PvdToken *t)
{
  g_autofree char *when = pv_time_format (t->created_at);

  return g_strdup_printf ("%s (%s…), issued by %s at %s", t->id, t->prefix, t->created_by, when);
}

/* Why a connection with two active tokens takes no third: its newest
 * token is a replacement nobody has used yet (replace it), one the
 * identity provider already uses (wait for the old one to retire, or
 * revoke it), or there is no replacement between them at all. */
static void
refuse_third (const char      *kind,
              const PvdToken  *newest,
              const PvdToken  *old,
              const PvdToken **conflict,
              GError         **error)
{
  g_autofree char *origin = NULL;

  if (newest == NULL || old == NULL || g_strcmp0 (old->replaced_by, newest->id) != 0)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_TOKEN_LIMIT,
                   "The %s connection already has %d active tokens; revoke one first",
                   kind, PVD_TOKEN_MAX_ACTIVE);
      return;
    }
  origin = token_origin (newest);
  if (newest->last_used_at == 0)
    g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_PENDING,
                 "The %s connection already has a replacement for %s that has never been used: %s. "
                 "Replace it (replace_unused: \"%s\") or revoke it; %s goes on working either way",
                 kind, old->id, origin, newest->id, old->id);
  else
    g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_IN_USE,
                 "The %s connection's replacement %s is already in use by the identity provider, "
                 "and %s has not retired yet. Renew again once it has, or revoke it if the identity "
                 "provider no longer uses it",
                 kind, origin, old->id);
  *conflict = newest;
}

/* Whether @target may be replaced before first use: it must be the
 * connection's newest active token, never used. */
static gboolean
check_replace_unused (const char      *kind,
                      const PvdToken  *target,
                      const PvdToken  *newest,
                      gint64           now,
                      const PvdToken **conflict,
                      GError         **error)
{
  g_autofree char *origin = token_origin (target);

  if (pvd_token_is_deleted (target, now) || target->replaced_by != NULL ||
      !pvd_token_is_active (target, now) ||
      (newest != NULL && g_strcmp0 (newest->id, target->id) != 0))
    {
      if (newest != NULL && g_strcmp0 (newest->id, target->id) != 0)
        {
          g_autofree char *current = token_origin (newest);

          g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_CHANGED,
                       "%s is no longer the %s connection's newest token: it is %s. "
                       "Renew again to see what to do about that one",
                       origin, kind, current);
          *conflict = newest;
        }
      else
        g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_CHANGED,
                     "%s is no longer active on the %s connection; issue a token without replace_unused",
                     origin, kind);
      return FALSE;
    }
  if (target->last_used_at != 0)
    {
      g_autofree char *used = pv_time_format (target->last_used_at);

      g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_IN_USE,
                   "%s has been used (last at %s): a token the identity provider may rely on "
                   "is never replaced before first use",
                   origin, used);
      *conflict = target;
      return FALSE;
    }
  return TRUE;
}

/**
 * pvd_store_issue_token_full:
 * @issue: what to issue: description, lifetime, retire, who, and
 *   optionally the unused replacement it replaces and the request's
 *   Idempotency-Key
 * @out_token: (out) (optional): the new token's row
 * @out_conflict: (out) (optional): on a refusal about a token (a pending
 *   replacement, one already issued for this Idempotency-Key), that token
 *
 * Issues a SCIM token for a connection, replacing its one active token
 * according to @issue->retire.
 *
 * With @issue->replace_unused, that token (the connection's newest, never
 * used) is deleted with the reason "replaced-before-first-use" in the same
 * transaction, and the new token takes its place: it replaces what that
 * one replaced, and the old token goes on as before.
 *
 * With @issue->idempotency_key, a repeated request issues nothing: it is
 * refused with %PVD_ERROR_ALREADY_ISSUED and the token the first one
 * issued, whose secret only that first answer held.
 *
 * Returns: (transfer full): the secret, which exists nowhere else
 */
char *
pvd_store_issue_token_full (PvdStore        *self,
                            gint64           tenant_id,
                            const char      *kind,
                            const PvdIssue  *issue,
                            gint64           now,
                            PvdToken       **out_token,
                            PvdToken       **out_conflict,
                            GError         **error)
{
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(PvdToken) target = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *digest = NULL;
  const char *created_by = issue->created_by;
  gint64 lifetime_days = issue->lifetime_days;
  PvdRetire retire = issue->retire;
  PvdToken *old = NULL;
  PvdToken *newest = NULL;
  PvdToken *last_active = NULL;
  const PvdToken *conflict = NULL;
  guint n_active = 0;

  if (!pvd_store_begin_connection (self, tenant_id, kind, error))
    return NULL;

  if (!(connection = pvd_store_get_connection (self, tenant_id, kind, error)) ||
      !(tokens = pvd_store_list_tokens (self, tenant_id, kind, error)))
    goto fail;

  if (issue->idempotency_key != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PvdToken) earlier = find_requested_token (self, tenant_id, kind,
                                                          issue->idempotency_key, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (earlier != NULL)
        {
          g_autofree char *origin = token_origin (earlier);

          g_set_error (error, PVD_ERROR, PVD_ERROR_ALREADY_ISSUED,
                       "A request with this Idempotency-Key already issued %s. Its secret was in "
                       "that answer and can be shown only once: replace it (replace_unused: \"%s\") "
                       "if it has never been used",
                       origin, earlier->id);
          if (out_conflict != NULL)
            *out_conflict = g_steal_pointer (&earlier);
          goto fail;
        }
    }

  if (lifetime_days == 0)
    lifetime_days = connection->token_lifetime_days;
  if (lifetime_days < PVD_TOKEN_MIN_LIFETIME_DAYS || lifetime_days > PVD_TOKEN_MAX_LIFETIME_DAYS)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_INVALID,
                   "lifetime_days must be between %d and %d",
                   PVD_TOKEN_MIN_LIFETIME_DAYS, PVD_TOKEN_MAX_LIFETIME_DAYS);
      goto fail;
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      PvdToken *t = g_ptr_array_index (tokens, i);

      if (pvd_token_is_active (t, now))
        {
          if (t->replaced_by == NULL &&
              (newest == NULL || t->created_at >= newest->created_at))
            newest = t;
          last_active = t;
          n_active++;
        }
    }
  /* The token the new one replaces: the newest, or what the newest
   * replaced when that one is replaced before first use. */
  old = newest != NULL ? newest : last_active;

  if (issue->replace_unused != NULL)
    {
      if (!(target = get_token (self, tenant_id, kind, issue->replace_unused, error)))
        goto fail;
      if (!check_replace_unused (kind, target, newest, now, &conflict, error))
        goto refused;
      old = NULL;
      for (guint i = 0; i < tokens->len; i++)
        {
          PvdToken *t = g_ptr_array_index (tokens, i);

          if (g_strcmp0 (t->id, target->replaces) == 0 && pvd_token_is_active (t, now))
            old = t;
        }
    }
  else if (n_active >= PVD_TOKEN_MAX_ACTIVE)
    {
      PvdToken *replaced = NULL;

      for (guint i = 0; i < tokens->len; i++)
        {
          PvdToken *t = g_ptr_array_index (tokens, i);

          if (newest != NULL && g_strcmp0 (t->id, newest->replaces) == 0 &&
              pvd_token_is_active (t, now))
            replaced = t;
        }
      refuse_third (kind, newest, replaced, &conflict, error);
      goto refused;
    }

  secret = pv_token_generate (PV_TOKEN_SCIM);
  digest = pv_token_digest (secret);
  token = g_new0 (PvdToken, 1);
  token->id = pv_random_id ("tok_");
  token->tenant_id = tenant_id;
  token->kind = g_strdup (kind);
  token->prefix = pv_token_display_prefix (secret);
  token->description = g_strdup (issue->description ? issue->description : "");
  token->created_at = now;
  token->created_by = g_strdup (created_by);
  token->expires_at = now + lifetime_days * 86400;
  token->replaces = old ? g_strdup (old->id) : NULL;

  if (!insert_token (self, token, digest, error))
    goto fail;
  if (issue->idempotency_key != NULL &&
      !record_request (self, token, issue->idempotency_key, error))
    goto fail;

  ADD_TOKEN_EVENT (self, token, "token.issued", now,
                   old ? g_strdup_printf ("Issued by %s, replacing %s (retire: %s)",
                                          created_by, old->id, pvd_retire_to_string (retire))
                       : g_strdup_printf ("Issued by %s", created_by),
                   error);

  if (target != NULL)
    {
      target->revoked_at = now;
      target->revoked_by = g_strdup (created_by);
      target->revoke_reason = g_strdup ("replaced-before-first-use");
      target->replaced_by = g_strdup (token->id);
      if (!update_token_state (self, target, error))
        goto fail;
      ADD_TOKEN_EVENT (self, target, "token.revoked", now,
                       g_strdup_printf ("Replaced before first use by %s, by %s",
                                        token->id, created_by),
                       error);
    }

  if (old != NULL)
    {
      g_free (old->replaced_by);
      old->replaced_by = g_strdup (token->id);
      if (retire == PVD_RETIRE_NOW)
        {
          old->revoked_at = now;
          old->revoked_by = g_strdup (created_by);
          old->revoke_reason = g_strdup ("replaced");
        }
      else
        {
          g_free (old->retire);
          old->retire = g_strdup (pvd_retire_to_string (retire));
        }
      if (!update_token_state (self, old, error))
        goto fail;
      if (retire == PVD_RETIRE_NOW)
        ADD_TOKEN_EVENT (self, old, "token.revoked", now,
                         g_strdup_printf ("Replaced by %s, revoked at once by %s",
                                          token->id, created_by),
                         error);
    }

  if (!pvd_store_commit (self, error))
    goto fail;

  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  return g_steal_pointer (&secret);

refused:
  if (out_conflict != NULL && conflict != NULL)
    *out_conflict = get_token (self, tenant_id, kind, conflict->id, NULL);
fail:
  pvd_store_rollback (self);
  return NULL;
}

/**
 * pvd_store_issue_token:
 * @out_token: (out) (optional): the new token's row
 *
 * Issues a SCIM token for a connection, replacing its one active token
 * according to @retire (pvd_store_issue_token_full() without replacing an
 * unused replacement or an Idempotency-Key).
 *
 * Returns: (transfer full): the secret, which exists nowhere else
 */
char *
pvd_store_issue_token (PvdStore    *self,
                       gint64       tenant_id,
                       const char  *kind,
                       const char  *description,
                       gint64       lifetime_days,
                       PvdRetire    retire,
                       const char  *created_by,
                       gint64       now,
                       PvdToken   **out_token,
                       GError     **error)
{
  PvdIssue issue = { description, lifetime_days, retire, created_by, NULL, NULL };

  return pvd_store_issue_token_full (self, tenant_id, kind, &issue, now, out_token, NULL, error);
}

/**
 * pvd_store_revoke_token:
 * @force: revoke even if the identity provider still depends on the token
 *
 * Returns: (transfer full): the token as it now stands
 */
PvdToken *
pvd_store_revoke_token (PvdStore    *self,
                        gint64       tenant_id,
                        const char  *kind,
                        const char  *token_id,
                        const char  *who,
                        gboolean     force,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(PvdToken) token = NULL;

  if (!pvd_store_begin_connection (self, tenant_id, kind, error))
    return NULL;

  if (!(connection = pvd_store_get_connection (self, tenant_id, kind, error)) ||
      !(token = get_token (self, tenant_id, kind, token_id, error)))
    goto fail;

  if (pvd_token_is_deleted (token, now))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND,
                   "The token %s is already deleted", token_id);
      goto fail;
    }
  if (!force && pvd_token_is_active (token, now) &&
      g_strcmp0 (connection->last_request_token_id, token->id) == 0)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_TOKEN_IN_USE,
                   "The identity provider is still using the token %s (its last request came "
                   "with it); revoking it would stop provisioning. Repeat with force=true to "
                   "revoke it anyway", token->id);
      goto fail;
    }

  token->revoked_at = now;
  g_free (token->revoked_by);
  token->revoked_by = g_strdup (who);
  g_free (token->revoke_reason);
  token->revoke_reason = g_strdup ("revoked");
  token->retires_at = 0;
  if (!update_token_state (self, token, error))
    goto fail;
  ADD_TOKEN_EVENT (self, token, "token.revoked", now,
                   g_strdup_printf ("Revoked by %s%s", who, force ? " (forced)" : ""), error);

  /* A replacement withdrawn: the token it was to replace goes on as before. */
  if (token->replaces != NULL)
    {
      g_autoptr(PvdToken) old = get_token (self, tenant_id, kind, token->replaces, NULL);

      if (old != NULL && g_strcmp0 (old->replaced_by, token->id) == 0 &&
          !pvd_token_is_deleted (old, now))
        {
          g_clear_pointer (&old->replaced_by, g_free);
          g_clear_pointer (&old->retire, g_free);
          g_clear_pointer (&old->revoked_by, g_free);
          g_clear_pointer (&old->revoke_reason, g_free);
          old->retires_at = 0;
          if (!update_token_state (self, old, error))
            goto fail;
        }
    }

  if (!pvd_store_commit (self, error))
    goto fail;

  return g_steal_pointer (&token);

fail:
  pvd_store_rollback (self);
  return NULL;
}

static PvdToken *
find_token_by_secret (PvdStore    *self,
                      const char  *secret,
                      GError     **error)
{
  static const char sql[] = "SELECT " TOKEN_COLUMNS " FROM tokens WHERE digest = ?1";
  g_autofree char *digest = pv_token_digest (secret);
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  pvd_bind_text (stmt, 1, digest);
  rc = pvd_stmt_step (stmt);
  if (rc == PVD_STEP_ROW)
    return token_from_row (stmt);
  if (rc != PVD_STEP_DONE)
    pvd_store_set_db_error (self, error);
  return NULL;
}

/* Whether @token (%NULL: no token has the secret) may authenticate a
 * request to the @kind connection of the tenant @tenant_id. */
static PvdScimAuth
token_standing (const PvdToken *token,
                gint64          tenant_id,
                const char     *kind,
                gint64          now)
{
  if (token == NULL)
    return PVD_SCIM_AUTH_UNKNOWN;
  if (token->tenant_id != tenant_id || g_strcmp0 (token->kind, kind) != 0)
    return PVD_SCIM_AUTH_WRONG_CONNECTION;
  if (pvd_token_is_deleted (token, now))
    return PVD_SCIM_AUTH_REVOKED;
  if (token->expires_at <= now)
    return PVD_SCIM_AUTH_EXPIRED;
  return PVD_SCIM_AUTH_OK;
}

static gboolean
record_use (PvdStore        *self,
            PvdToken        *token,
            const char      *user_agent,
            gint64           now,
            GError         **error)
{
  static const char sql[] =
    "UPDATE connections SET last_request_at = ?3, last_request_token_id = ?4"
    " WHERE tenant_id = ?1 AND kind = ?2";
  g_autoptr(PvdStmt) stmt = NULL;

  token->last_used_at = now;
  if (user_agent != NULL && g_strcmp0 (user_agent, token->last_user_agent) != 0)
    {
      g_free (token->last_user_agent);
      token->last_user_agent = g_utf8_make_valid (user_agent, MIN (strlen (user_agent), 200));
    }
  if (!update_token_state (self, token, error))
    return FALSE;

  if (!(stmt = pvd_store_prepare (self, sql, error)))
    return FALSE;
  pvd_bind_int64 (stmt, 1, token->tenant_id);
  pvd_bind_text (stmt, 2, token->kind);
  pvd_bind_int64 (stmt, 3, now);
  pvd_bind_text (stmt, 4, token->id);
  return pvd_store_run (self, stmt, error);
}

/*
 * retirement_to_start:
 * @used: the token of a request that provisions (pvd_scim_request_provisions())
 *
 * Whether that request starts the retirement of the token @used replaces:
 * it does when the old token is alive, replaced by @used with
 * retire=on-first-use, and not being retired already.
 *
 * Returns: (transfer full) (nullable): the old token, or %NULL
 */
static PvdToken *
retirement_to_start (PvdStore       *self,
                     const PvdToken *used,
                     gint64          now)
{
  g_autoptr(PvdToken) old = NULL;

  if (used->replaces == NULL)
    return NULL;
  old = get_token (self, used->tenant_id, used->kind, used->replaces, NULL);
  if (old == NULL || pvd_token_is_deleted (old, now) || old->retires_at != 0 ||
      g_strcmp0 (old->replaced_by, used->id) != 0 ||
      g_strcmp0 (old->retire, "on-first-use") != 0)
    return NULL;
  return g_steal_pointer (&old);
}

/*
 * update_retirement:
 * @used: the token of a request, its use already recorded
 * @provisions: whether the request changes a user or group
 *   (pvd_scim_request_provisions())
 * @connection: the connection as it was before the request
 *
 * The retirement rule, in this one place.  Only evidence that the
 * identity provider provisions with the new token may doom the old one,
 * and a read is no such evidence: an identity provider's “Test
 * connection” only reads (Entra looks up a user that does not exist),
 * and a test need not be followed by a save.  So:
 *
 * 1. A request with a replacement that changes a user or group (POST,
 *    PUT, PATCH or DELETE of /Users or /Groups) starts the retirement of
 *    the token it replaces (retire=on-first-use): the old token retires
 *    once it has gone pvd_retire_window() unused (two cycles of the
 *    identity provider).  Reads with the new token are recorded as its
 *    use but start nothing.
 * 2. Each use of a token being retired, read or write, cancels its
 *    retirement: the identity provider still uses it.  The next change
 *    made with the new token starts it again.
 *
 * Retirement is a time stored in retires_at and compared with the
 * server's clock when a token is read (pvd_token_is_deleted()), so no
 * background job is needed and the test clock gives the same answers.
 */
static gboolean
update_retirement (PvdStore             *self,
                   PvdToken             *used,
                   gboolean              provisions,
                   const PvdConnection  *connection,
                   gint64                retire_grace,
                   gint64                now,
                   GError              **error)
{
  g_autoptr(PvdToken) old = NULL;
  g_autofree char *when = NULL;

  if (used->retires_at != 0)
    {
      used->retires_at = 0;
      g_clear_pointer (&used->revoked_by, g_free);
      g_clear_pointer (&used->revoke_reason, g_free);
      if (!update_token_state (self, used, error))
        return FALSE;
      ADD_TOKEN_EVENT (self, used, "token.retire-cancelled", now,
                       g_strdup_printf ("The identity provider still uses this token, not %s: "
                                        "it stays until the identity provider has switched",
                                        used->replaced_by),
                       error);
    }

  if (!provisions || !(old = retirement_to_start (self, used, now)))
    return TRUE;

  old->retires_at = now + pvd_retire_window (connection->identity_provider, retire_grace);
  old->revoked_by = g_strdup_printf ("provisiod (the identity provider switched to %s)", used->id);
  old->revoke_reason = g_strdup ("retired-after-first-use");
  if (!update_token_state (self, old, error))
    return FALSE;
  when = pv_time_format (old->retires_at);
  ADD_TOKEN_EVENT (self, old, "token.retired", now,
                   g_strdup_printf ("The identity provider provisioned with %s; this token stops "
                                    "working at %s unless the identity provider uses it again before",
                                    used->id, when),
                   error);
  return TRUE;

fail:
  return FALSE;
}

/**
 * pvd_store_authenticate_scim:
 * @secret: the bearer token the identity provider sent
 * @tenant_id: the tenant of the SCIM URL
 * @kind: the connection of the SCIM URL
 * @user_agent: (nullable): the client's User-Agent
 * @provisions: whether the request changes a user or group
 *   (pvd_scim_request_provisions()): the evidence that starts a retirement
 * @retire_grace: the server's `--retire-grace`, or -1 (pvd_retire_window())
 * @out_token: (out): the token, on %PVD_SCIM_AUTH_OK
 *
 * Checks a SCIM bearer token and records its use, and with it the moves
 * of the retirement rule (update_retirement()).  May be
 * called inside pvd_store_begin_read(); a write ends that read transaction.
 */
PvdScimAuth
pvd_store_authenticate_scim (PvdStore    *self,
                             const char  *secret,
                             gint64       tenant_id,
                             const char  *kind,
                             const char  *user_agent,
                             gboolean     provisions,
                             gint64       now,
                             gint64       retire_grace,
                             PvdToken   **out_token,
                             GError     **error)
{
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(PvdToken) old = NULL;
  gboolean first_use;
  PvTokenKind token_kind;
  PvdScimAuth result;

  if (!pv_token_is_well_formed (secret, &token_kind) || token_kind != PV_TOKEN_SCIM)
    return PVD_SCIM_AUTH_UNKNOWN;

  token = find_token_by_secret (self, secret, error);
  if ((result = token_standing (token, tenant_id, kind, now)) != PVD_SCIM_AUTH_OK)
    return result;

  /* Writing on every request would make every SCIM read a write
   * transaction; a second's precision is enough for "last used", except
   * for a first use, a change of client and a change that starts the
   * old token's retirement, which are recorded at once. */
  first_use = token->last_used_at == 0;
  if (!first_use && now - token->last_used_at < 1 && token->retires_at == 0 &&
      (user_agent == NULL || g_strcmp0 (token->last_user_agent, user_agent) == 0) &&
      !(provisions && (old = retirement_to_start (self, token, now)) != NULL))
    {
      if (out_token != NULL)
        *out_token = g_steal_pointer (&token);
      return PVD_SCIM_AUTH_OK;
    }

  pvd_store_end_read (self);
  if (!pvd_store_begin_connection (self, tenant_id, kind, error))
    return PVD_SCIM_AUTH_UNKNOWN;
  /* What was read before the connection's lock may have changed since:
   * another worker, process or node revoked, retired or replaced the
   * token.  Decided and written on what was read then, the use would
   * answer with a token that is gone, and its record would write the old
   * state back over the revocation.  So the token is read again under the
   * lock, and its use decided and recorded on that. */
  g_clear_pointer (&token, pvd_token_free);
  token = find_token_by_secret (self, secret, error);
  if ((result = token_standing (token, tenant_id, kind, now)) != PVD_SCIM_AUTH_OK)
    {
      pvd_store_rollback (self);
      return result;
    }
  first_use = token->last_used_at == 0;
  /* The connection as it was before this request: which token came last. */
  if (!(connection = pvd_store_get_connection (self, tenant_id, kind, error)) ||
      !record_use (self, token, user_agent, now, error))
    goto fail;

  if (first_use)
    {
      ADD_TOKEN_EVENT (self, token, "token.first-use", now,
                       g_strdup_printf ("First request with this token%s%s",
                                        user_agent ? " from " : "",
                                        user_agent ? token->last_user_agent : ""),
                       error);
    }

  if (!update_retirement (self, token, provisions, connection, retire_grace, now, error))
    goto fail;

  if (!pvd_store_commit (self, error))
    goto fail;

  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  return PVD_SCIM_AUTH_OK;

fail:
  pvd_store_rollback (self);
  return PVD_SCIM_AUTH_UNKNOWN;
}

/* For the demo: a token as it is given. */
gboolean
pvd_store_insert_token (PvdStore        *self,
                        const PvdToken  *token,
                        const char      *secret,
                        GError         **error)
{
  g_autofree char *digest = pv_token_digest (secret);

  return insert_token (self, token, digest, error) &&
         update_token_state (self, token, error);
}

