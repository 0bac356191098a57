/* pvd-server-private.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pv-expiry.h"
#include "pvd-message.h"
#include "pvd-openapi-check.h"
#include "pvd-scim-store.h"
#include "pvd-server.h"
#include "pvd-store.h"
#include "pvd-writer.h"

G_BEGIN_DECLS

/* The log domain of the one line per request (method, path, status, time):
 * provisiod's name, as documented in provisiod(8); every source file logs
 * under a domain of its own (pvd-api, pvd-scim, ...). */
#define PVD_REQUEST_LOG_DOMAIN "provisiod"

/* Caches of answers and authentications hold at most this many entries
 * each; when full they are emptied. */
#define PVD_MAX_CACHED_ENTRIES 1024

/* Each worker thread has its own main context, libmicrohttpd daemon
 * (pvd-mhd.c), database connection and validator; they share only the
 * listening port (through SO_REUSEPORT) and what PvdServer guards with its
 * locks. */
typedef struct _PvdMhd PvdMhd;

typedef struct {
  PvdServer    *server;
  guint         index;
  GSocket      *socket;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  PvdMhd       *mhd;
  PvdStore     *store;
  PvdOpenapiCheck *openapi;  /* docs/openapi.json, to check request bodies */
  GHashTable   *cache;       /* tenant, path and query -> PvdCachedResponse */
  GHashTable   *auth_cache;  /* key digest -> PvdAuthEntry */
  GHashTable   *scim_cache;  /* SCIM token digest -> PvdScimAuthEntry */
  GHashTable   *documents;   /* answers that never change, by URL -> GBytes */
} PvdWorker;

struct _PvdServer
{
  GObject           parent_instance;

  char             *db_path;
  PvdServerOptions  options;
  char             *url;
  GPtrArray        *workers;

  PvdWriter        *writer;          /* SCIM changes, committed in groups */
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
  PvdOpenapiCheck   *openapi;
  PvdMessage        *msg;
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

/* pvd-server.c */
void      pvd_server_set_clock_offset (PvdServer     *self,
                                   gint64             offset);
void      pvd_server_handle       (PvdWorker         *worker,
                                   PvdMessage        *msg,
                                   GHashTable        *query);
gint64    pvd_server_get_clock_offset (PvdServer     *self);

G_END_DECLS
