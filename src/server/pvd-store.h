/* pvd-store.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PVD_ERROR (pvd_error_quark ())

typedef enum {
  PVD_ERROR_NOT_FOUND,
  PVD_ERROR_EXISTS,
  PVD_ERROR_INVALID,
  PVD_ERROR_TOKEN_LIMIT,
  PVD_ERROR_TOKEN_IN_USE,
  PVD_ERROR_UNAUTHORIZED,
  PVD_ERROR_DATABASE,
  PVD_ERROR_REPLACEMENT_PENDING,
  PVD_ERROR_REPLACEMENT_IN_USE,
  PVD_ERROR_REPLACEMENT_CHANGED,
  PVD_ERROR_ALREADY_ISSUED,
  PVD_ERROR_KEY_EXPIRED,
  PVD_ERROR_UNAVAILABLE,      /* the database is away or busy: try again */
} PvdError;

/* The Retry-After of a 503 while the database is away or busy, seconds */
#define PVD_UNAVAILABLE_RETRY_AFTER 5

GQuark pvd_error_quark (void);

#define PVD_TOKEN_MIN_LIFETIME_DAYS 30
#define PVD_TOKEN_MAX_LIFETIME_DAYS 730
#define PVD_TOKEN_DEFAULT_LIFETIME_DAYS 365
#define PVD_TOKEN_MAX_ACTIVE 2
#define PVD_ADMIN_KEY_LIFETIME_DAYS 365
#define PVD_EVENTS_KEPT 1000

typedef struct {
  gint64  id;
  char   *slug;
  char   *name;
  char   *plan;
  gint64  created_at;
  char   *reminder_thresholds;
} PvdTenant;

typedef struct {
  char   *id;
  gint64  tenant_id;
  char   *prefix;
  char   *owner;
  gint64  created_at;
  gint64  expires_at;
  gint64  last_used_at;
  gint64  revoked_at;
  char   *replaces;           /* the key this one replaced by rotation */
  char   *replaced_by;        /* its successor, while this one retires */
  gint64  successor_used_at;  /* 0: the successor was never used */
} PvdApiKey;

typedef struct {
  gint64  tenant_id;
  char   *protocol;
  char   *idp_entity_id;
  gboolean enforced;
  char   *cert_subject;
  char   *cert_fingerprint;
  gint64  cert_not_before;
  gint64  cert_not_after;   /* 0: no certificate */
} PvdSso;

/* Which of a PvdSso's settings a change writes (pvd_store_update_sso()). */
typedef enum {
  PVD_SSO_PROTOCOL      = 1 << 0,
  PVD_SSO_IDP_ENTITY_ID = 1 << 1,
  PVD_SSO_ENFORCED      = 1 << 2,
  PVD_SSO_CERTIFICATE   = 1 << 3,   /* its subject, fingerprint and validity */
} PvdSsoFields;

typedef struct {
  gint64  tenant_id;
  char   *kind;
  gboolean enabled;
  char   *identity_provider;   /* NULL: never set up */
  gint64  token_lifetime_days;
  gint64  last_request_at;
  char   *last_request_token_id;
} PvdConnection;

/* Which of a PvdConnection's settings a change writes
 * (pvd_store_update_connection()). */
typedef enum {
  PVD_CONNECTION_ENABLED           = 1 << 0,
  PVD_CONNECTION_IDENTITY_PROVIDER = 1 << 1,
  PVD_CONNECTION_TOKEN_LIFETIME    = 1 << 2,
} PvdConnectionFields;

/* Times are seconds since the epoch, 0 meaning "not set". */
typedef struct {
  char   *id;
  gint64  tenant_id;
  char   *kind;
  char   *prefix;
  char   *description;
  gint64  created_at;
  char   *created_by;
  gint64  expires_at;
  gint64  last_used_at;
  char   *last_user_agent;
  char   *replaces;
  char   *replaced_by;
  char   *retire;
  gint64  retires_at;
  gint64  revoked_at;
  char   *revoked_by;
  char   *revoke_reason;
} PvdToken;

typedef struct {
  gint64  id;
  gint64  at;
  char   *type;
  char   *token_id;
  char   *token_prefix;
  char   *operation;
  gint    status;          /* 0: none */
  char   *user_agent;
  char   *detail;
} PvdEvent;

typedef enum {
  PVD_RETIRE_ON_FIRST_USE,
  PVD_RETIRE_NOW,
  PVD_RETIRE_NEVER,
} PvdRetire;

/* What to issue (pvd_store_issue_token_full()). */
typedef struct {
  const char *description;      /* NULL: none */
  gint64      lifetime_days;    /* 0: the connection's */
  PvdRetire   retire;
  const char *created_by;
  const char *replace_unused;   /* NULL: none; else the unused replacement it replaces */
  const char *idempotency_key;  /* NULL: none */
} PvdIssue;

typedef struct {
  gint64      since;       /* 0: any */
  gint64      after_id;    /* 0: any */
  const char *token_id;    /* NULL: any */
  guint       limit;
} PvdEventQuery;

typedef enum {
  PVD_SCIM_AUTH_OK,
  PVD_SCIM_AUTH_UNKNOWN,
  PVD_SCIM_AUTH_WRONG_CONNECTION,
  PVD_SCIM_AUTH_REVOKED,
  PVD_SCIM_AUTH_EXPIRED,
  PVD_SCIM_AUTH_LIMITED,   /* not the store's: see pvd_scim_authenticate() */
} PvdScimAuth;

void       pvd_tenant_free     (PvdTenant     *tenant);
void       pvd_api_key_free    (PvdApiKey     *key);
void       pvd_sso_free        (PvdSso        *sso);
void       pvd_connection_free (PvdConnection *connection);
void       pvd_token_free      (PvdToken      *token);
void       pvd_event_free      (PvdEvent      *event);

gboolean   pvd_token_is_deleted (const PvdToken *token,
                                 gint64          now);
gboolean   pvd_token_is_active  (const PvdToken *token,
                                 gint64          now);
gint64     pvd_retire_window    (const char     *identity_provider,
                                 gint64          retire_grace);
const char *pvd_retire_to_string (PvdRetire     retire);
gboolean   pvd_retire_from_string (const char  *text,
                                   PvdRetire   *out_retire);
gboolean   pvd_kind_is_valid    (const char     *kind);
/* How long a rotated admin key must go unused, once its successor was
 * used, before it retires, when --retire-grace is not given. */
#define PVD_KEY_RETIRE_GRACE 300

gint64     pvd_key_retire_window  (gint64           retire_grace);
gint64     pvd_api_key_retires_at (const PvdApiKey *key,
                                   gint64          grace);
char      *pvd_sso_fingerprint  (const guint8   *der,
                                 gsize           length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdTenant, pvd_tenant_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdApiKey, pvd_api_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdSso, pvd_sso_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdConnection, pvd_connection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdToken, pvd_token_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdEvent, pvd_event_free)

#define PVD_TYPE_STORE (pvd_store_get_type ())
G_DECLARE_FINAL_TYPE (PvdStore, pvd_store, PVD, STORE, GObject)

PvdStore      *pvd_store_open               (const char      *path,
                                             GError         **error);

/* Tenants and admin API keys */
PvdTenant     *pvd_store_create_tenant      (PvdStore        *self,
                                             const char      *slug,
                                             const char      *name,
                                             gint64           now,
                                             GError         **error);
GPtrArray     *pvd_store_list_tenants       (PvdStore        *self,
                                             GError         **error);
PvdTenant     *pvd_store_get_tenant         (PvdStore        *self,
                                             const char      *slug,
                                             GError         **error);
PvdTenant     *pvd_store_get_tenant_by_id   (PvdStore        *self,
                                             gint64           tenant_id,
                                             GError         **error);
gboolean       pvd_store_set_reminders      (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *thresholds,
                                             GError         **error);
char          *pvd_store_issue_api_key      (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *owner,
                                             gint64           lifetime_days,
                                             gint64           now,
                                             PvdApiKey      **out_key,
                                             GError         **error);
GPtrArray     *pvd_store_list_api_keys      (PvdStore        *self,
                                             gint64           tenant_id,
                                             GError         **error);
gboolean       pvd_store_revoke_api_key     (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *key_id,
                                             const char      *who,
                                             gint64           now,
                                             GError         **error);
char          *pvd_store_rotate_api_key     (PvdStore        *self,
                                             const PvdApiKey *key,
                                             gint64           now,
                                             PvdApiKey      **out_key,
                                             GError         **error);
PvdApiKey     *pvd_store_authenticate_admin (PvdStore        *self,
                                             const char      *secret,
                                             gint64           now,
                                             gint64           retire_grace,
                                             GError         **error);

/* SSO */
PvdSso        *pvd_store_get_sso            (PvdStore        *self,
                                             gint64           tenant_id,
                                             GError         **error);
gboolean       pvd_store_update_sso         (PvdStore        *self,
                                             const PvdSso    *sso,
                                             PvdSsoFields     fields,
                                             GError         **error);

/* Provisioning connections and their tokens */
PvdConnection *pvd_store_get_connection     (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             GError         **error);
gboolean       pvd_store_update_connection  (PvdStore        *self,
                                             const PvdConnection *connection,
                                             PvdConnectionFields fields,
                                             GError         **error);
GPtrArray     *pvd_store_list_tokens        (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             GError         **error);
gint64         pvd_store_count_scim_writes  (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             gint64           since,
                                             GError         **error);
char          *pvd_store_issue_token        (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             const char      *description,
                                             gint64           lifetime_days,
                                             PvdRetire        retire,
                                             const char      *created_by,
                                             gint64           now,
                                             PvdToken       **out_token,
                                             GError         **error);
char          *pvd_store_issue_token_full   (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             const PvdIssue  *issue,
                                             gint64           now,
                                             PvdToken       **out_token,
                                             PvdToken       **out_conflict,
                                             GError         **error);
PvdToken      *pvd_store_revoke_token       (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             const char      *token_id,
                                             const char      *who,
                                             gboolean         force,
                                             gint64           now,
                                             GError         **error);
PvdScimAuth    pvd_store_authenticate_scim  (PvdStore        *self,
                                             const char      *secret,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             const char      *user_agent,
                                             gboolean         provisions,
                                             gint64           now,
                                             gint64           retire_grace,
                                             PvdToken       **out_token,
                                             GError         **error);

/* Events */
gboolean       pvd_store_add_event          (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             const PvdEvent  *event,
                                             GError         **error);
GPtrArray     *pvd_store_list_events        (PvdStore        *self,
                                             gint64           tenant_id,
                                             const char      *kind,
                                             const PvdEventQuery *query,
                                             GError         **error);

void           pvd_store_get_version        (PvdStore        *self,
                                             gint64          *out_data_version,
                                             gint64          *out_changes);
gint64         pvd_store_get_credentials_generation (PvdStore *self);
void           pvd_store_set_durable        (PvdStore        *self,
                                             gboolean         durable);
void           pvd_store_begin_read         (PvdStore        *self);
gboolean       pvd_store_begin_write        (PvdStore        *self,
                                             GError         **error);
gboolean       pvd_store_end_write          (PvdStore        *self,
                                             GError         **error);
void           pvd_store_cancel_write       (PvdStore        *self);
void           pvd_store_end_read           (PvdStore        *self);

gboolean       pvd_store_count_auth_failure (PvdStore        *self,
                                             const char      *address,
                                             gint64           now,
                                             gint64           window,
                                             gint64          *out_window_start,
                                             gint64          *out_count);
gboolean       pvd_store_get_auth_failures  (PvdStore        *self,
                                             const char      *address,
                                             gint64           now,
                                             gint64           window,
                                             gint64          *out_window_start,
                                             gint64          *out_count);

/* provisiod migrate */
typedef void (*PvdStoreCopyFunc) (const char *table,
                                  gint64      rows,
                                  gpointer    user_data);

gboolean       pvd_store_copy               (PvdStore        *from,
                                             PvdStore        *to,
                                             PvdStoreCopyFunc func,
                                             gpointer         user_data,
                                             GError         **error);

/* For the demo: writes rows as they are given. */
gboolean       pvd_store_insert_token       (PvdStore        *self,
                                             const PvdToken  *token,
                                             const char      *secret,
                                             GError         **error);

G_END_DECLS
