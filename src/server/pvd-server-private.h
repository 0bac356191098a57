/* pvd-server-private.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pv-expiry.h"
#include "pvd-schema.h"
#include "pvd-scim-store.h"
#include "pvd-server.h"
#include "pvd-store.h"

G_BEGIN_DECLS

/* Each worker thread has its own main context, SoupServer, database
 * connection and validator; they share only the listening port (through
 * SO_REUSEPORT) and what PvdServer guards with its locks. */
typedef struct {
  PvdServer    *server;
  guint         index;
  GSocket      *socket;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *soup;
  PvdStore     *store;
  PvdSchema    *schema;
  GHashTable   *cache;       /* tenant, path and query -> PvdCachedResponse */
  GHashTable   *auth_cache;  /* key digest -> PvdAuthEntry */
  GHashTable   *scim_cache;  /* SCIM token digest -> PvdScimAuthEntry */
  GHashTable   *documents;   /* answers that never change, by URL -> GBytes */
  GHashTable   *deadlines;   /* GSocket -> PvdDeadline, see pvd-server.c */
  GSource      *sweep;       /* closes the connections past their deadline */
} PvdWorker;

struct _PvdServer
{
  GObject           parent_instance;

  char             *db_path;
  PvdServerOptions  options;
  char             *url;
  GPtrArray        *workers;

  GMutex            write_lock;      /* one worker writes at a time */
  GMutex            lock;            /* guards what follows, and startup */
  GCond             started;
  guint             n_started;
  GError           *start_error;
  GHashTable       *auth_failures;   /* client address -> PvdAuthFailures */
  gint              n_failing;       /* its size, read without the lock */
};

typedef struct {
  PvdServer         *server;
  PvdWorker         *worker;
  PvdStore          *store;
  PvdSchema         *schema;
  SoupServerMessage *msg;
  const char        *path;
  GHashTable        *query;
  const char        *template;
  char              *params[2];      /* {kind}, {id} in path order */
  JsonNode          *body;
  const PvdApiKey   *key;        /* borrowed from the worker's auth cache */
  const PvdTenant   *tenant;     /* likewise */
  PvExpiryPolicy     policy;
  gint64             now;
} PvdRequest;

typedef void (*PvdHandler) (PvdRequest *req);

typedef struct {
  const char *template;
  const char *method;
  PvdHandler  handler;
  gboolean    admin_auth;
} PvdRoute;

/* pvd-api.c */
extern const PvdRoute pvd_api_routes[];
extern const gsize    pvd_api_n_routes;

/* pvd-scim.c */
gboolean  pvd_scim_request_provisions (const char     *method,
                                       const char     *resource);
void      pvd_scim_handle         (PvdWorker         *worker,
                                   SoupServerMessage *msg,
                                   const char        *path,
                                   GHashTable        *query);
void      pvd_scim_send_error     (SoupServerMessage *msg,
                                   guint              status,
                                   const char        *detail);
gboolean  pvd_scim_normalize      (JsonObject        *object,
                                   PvdScimType        type,
                                   GError           **error);

/* pvd-scim-schema.c */
gboolean  pvd_scim_attribute_is_case_exact (const char *path,
                                   gpointer           user_data);

/* pvd-server.c */
JsonNode *pvd_parse_body          (const char        *data,
                                   gsize              length,
                                   GError           **error);
void      pvd_send_json           (SoupServerMessage *msg,
                                   guint              status,
                                   const char        *content_type,
                                   JsonNode          *root);
void      pvd_send_error          (SoupServerMessage *msg,
                                   guint              status,
                                   const char        *code,
                                   const char        *format,
                                   ...) G_GNUC_PRINTF (4, 5);
void      pvd_send_store_error    (SoupServerMessage *msg,
                                   const GError      *error);
typedef void (*PvdErrorExtraFunc) (JsonBuilder *builder,
                                   gpointer     user_data);
void      pvd_send_store_error_full (SoupServerMessage *msg,
                                     const GError      *error,
                                     PvdErrorExtraFunc  add_extra,
                                     gpointer           user_data);
char     *pvd_bearer_token        (SoupServerMessage *msg);
void      pvd_set_retry_after     (SoupServerMessage *msg,
                                   gint64             seconds);
gboolean  pvd_rate_limited        (PvdServer         *self,
                                   SoupServerMessage *msg);
void      pvd_count_auth_failure  (PvdServer         *self,
                                   PvdStore          *store,
                                   SoupServerMessage *msg);
PvdScimAuth pvd_scim_authenticate (PvdWorker         *worker,
                                   const char        *slug,
                                   const char        *kind,
                                   const char        *secret,
                                   const char        *user_agent,
                                   gboolean           provisions,
                                   gint64             now,
                                   const PvdTenant  **out_tenant,
                                   const PvdToken   **out_token,
                                   gboolean          *out_enabled,
                                   GError           **error);
char     *pvd_scim_base_url       (PvdServer         *self,
                                   const char        *slug,
                                   const char        *kind);
void      pvd_server_set_clock_offset (PvdServer     *self,
                                   gint64             offset);
gint64    pvd_server_get_clock_offset (PvdServer     *self);


/* JsonBuilder helpers */
void      pvd_json_time           (JsonBuilder       *builder,
                                   const char        *member,
                                   gint64             value);
void      pvd_json_string         (JsonBuilder       *builder,
                                   const char        *member,
                                   const char        *value);
void      pvd_json_int            (JsonBuilder       *builder,
                                   const char        *member,
                                   gint64             value);
void      pvd_json_bool           (JsonBuilder       *builder,
                                   const char        *member,
                                   gboolean           value);

G_END_DECLS
