/* pvd-http.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include "pvd-message.h"

#include "pvd-server.h"

G_BEGIN_DECLS

#define PVD_SCIM_CONTENT_TYPE "application/scim+json"
#define PVD_SCIM_SCHEMA_ERROR "urn:ietf:params:scim:api:messages:2.0:Error"

JsonNode *pvd_parse_body          (const char        *data,
                                   gsize              length,
                                   GError           **error);
void      pvd_send_json           (PvdMessage        *msg,
                                   guint              status,
                                   const char        *content_type,
                                   JsonNode          *root);
void      pvd_send_json_text      (PvdMessage        *msg,
                                   guint              status,
                                   const char        *content_type,
                                   char              *text,
                                   gsize              length);
void      pvd_send_error          (PvdMessage        *msg,
                                   guint              status,
                                   const char        *code,
                                   const char        *format,
                                   ...) G_GNUC_PRINTF (4, 5);
void      pvd_send_scim_error     (PvdMessage        *msg,
                                   guint              status,
                                   const char        *scim_type,
                                   const char        *format,
                                   ...) G_GNUC_PRINTF (4, 5);
void      pvd_send_store_error    (PvdMessage        *msg,
                                   const GError      *error);
typedef void (*PvdErrorExtraFunc) (JsonBuilder *builder,
                                   gpointer     user_data);
void      pvd_send_store_error_full (PvdMessage        *msg,
                                     const GError      *error,
                                     PvdErrorExtraFunc  add_extra,
                                     gpointer           user_data);
char     *pvd_bearer_token        (PvdMessage        *msg);
void      pvd_set_retry_after     (PvdMessage        *msg,
                                   gint64             seconds);
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
