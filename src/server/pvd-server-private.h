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
#include "pvd-server.h"
#include "pvd-store.h"

G_BEGIN_DECLS

struct _PvdServer
{
  GObject           parent_instance;

  PvdStore         *store;
  PvdSchema        *schema;
  SoupServer       *soup;
  PvdServerOptions  options;
  char             *url;
  GHashTable       *auth_failures;   /* client address -> PvdAuthFailures */
};

typedef struct {
  PvdServer         *server;
  SoupServerMessage *msg;
  const char        *path;
  GHashTable        *query;
  const char        *template;
  char              *params[2];      /* {kind}, {id} in path order */
  JsonNode          *body;
  PvdApiKey         *key;
  PvdTenant         *tenant;
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
void      pvd_scim_handle         (PvdServer         *server,
                                   SoupServerMessage *msg,
                                   const char        *path);

/* pvd-server.c */
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
char     *pvd_bearer_token        (SoupServerMessage *msg);
gboolean  pvd_rate_limited        (PvdServer         *self,
                                   SoupServerMessage *msg);
void      pvd_count_auth_failure  (PvdServer         *self,
                                   SoupServerMessage *msg);
char     *pvd_scim_base_url       (PvdServer         *self,
                                   const char        *slug,
                                   const char        *kind);

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
