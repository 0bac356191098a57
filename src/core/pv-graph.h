/* pv-graph.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PV_GRAPH_ERROR (pv_graph_error_quark ())

/**
 * PvGraphError:
 * @PV_GRAPH_ERROR_NOT_SIGNED_IN: no Microsoft sign-in, or it has lapsed
 * @PV_GRAPH_ERROR_DECLINED: the admin declined the sign-in
 * @PV_GRAPH_ERROR_CODE_EXPIRED: the device code expired before the sign-in
 * @PV_GRAPH_ERROR_BAD_CODE: Microsoft did not recognise the device code
 * @PV_GRAPH_ERROR_SIGN_IN_FAILED: the sign-in failed for another reason
 * @PV_GRAPH_ERROR_UNAUTHORIZED: Graph did not accept the access token (401)
 * @PV_GRAPH_ERROR_FORBIDDEN: the account may not do this (403)
 * @PV_GRAPH_ERROR_NOT_FOUND: no such app or job (404)
 * @PV_GRAPH_ERROR_THROTTLED: Graph kept answering 429 or 503
 * @PV_GRAPH_ERROR_SERVER: Graph failed (5xx)
 * @PV_GRAPH_ERROR_NETWORK: Microsoft could not be reached
 * @PV_GRAPH_ERROR_INVALID_RESPONSE: an answer that is not what Microsoft documents
 * @PV_GRAPH_ERROR_CREDENTIALS_REJECTED: Entra could not use the tenant URL and token
 * @PV_GRAPH_ERROR_REFUSED: Graph refused the request (other 4xx)
 * @PV_GRAPH_ERROR_MISSING_RIGHTS: the sign-in works, but the account lacks the
 *   role or the consent a call needs (Graph answers such calls 401, not 403)
 * @PV_GRAPH_ERROR_BLOCKED: a policy of the directory refused the sign-in
 *   (Conditional Access); signing in again does not help
 * @PV_GRAPH_ERROR_NOT_AVAILABLE: Microsoft does not offer this call in the
 *   chosen cloud
 *
 * What went wrong with Microsoft; messages are translated, say what to do
 * and never hold a token.
 */
typedef enum {
  PV_GRAPH_ERROR_NOT_SIGNED_IN,
  PV_GRAPH_ERROR_DECLINED,
  PV_GRAPH_ERROR_CODE_EXPIRED,
  PV_GRAPH_ERROR_BAD_CODE,
  PV_GRAPH_ERROR_SIGN_IN_FAILED,
  PV_GRAPH_ERROR_UNAUTHORIZED,
  PV_GRAPH_ERROR_FORBIDDEN,
  PV_GRAPH_ERROR_NOT_FOUND,
  PV_GRAPH_ERROR_THROTTLED,
  PV_GRAPH_ERROR_SERVER,
  PV_GRAPH_ERROR_NETWORK,
  PV_GRAPH_ERROR_INVALID_RESPONSE,
  PV_GRAPH_ERROR_CREDENTIALS_REJECTED,
  PV_GRAPH_ERROR_REFUSED,
  PV_GRAPH_ERROR_MISSING_RIGHTS,
  PV_GRAPH_ERROR_BLOCKED,
  PV_GRAPH_ERROR_NOT_AVAILABLE,
} PvGraphError;

GQuark pv_graph_error_quark (void);

/**
 * PvGraphCloud:
 * @id: the name in settings, such as "global"
 * @name: (translatable): what the admin reads
 * @login_url: the Microsoft identity platform's host
 * @graph_url: Microsoft Graph's host
 * @validate_credentials: whether Graph offers synchronizationJob:
 *   validateCredentials there
 *
 * One of Microsoft's clouds: the global service and the national clouds.
 */
typedef struct {
  const char *id;
  const char *name;
  const char *login_url;
  const char *graph_url;
  gboolean    validate_credentials;
} PvGraphCloud;

const PvGraphCloud *pv_graph_clouds        (guint      *n_clouds);
const PvGraphCloud *pv_graph_cloud_lookup  (const char *id);
const PvGraphCloud *pv_graph_cloud_for_graph_url (const char *graph_url);

/* Microsoft Graph Command Line Tools: a public client of Microsoft's own
 * that may ask for Graph's delegated permissions in the device code flow. */
#define PV_GRAPH_DEFAULT_CLIENT_ID "14d82eec-204b-4c2f-b7e8-296a70dab67e"

/**
 * PvDeviceCode:
 * @user_code: what the admin types at @verification_uri
 * @verification_uri: where the admin signs in, in any browser
 * @message: Microsoft's own instructions
 * @expires_in: seconds until the code expires
 * @interval: seconds between polls
 */
typedef struct {
  char *user_code;
  char *verification_uri;
  char *message;
  gint  expires_in;
  gint  interval;
} PvDeviceCode;

#define PV_TYPE_DEVICE_CODE (pv_device_code_get_type ())
GType         pv_device_code_get_type (void) G_GNUC_CONST;
PvDeviceCode *pv_device_code_copy     (const PvDeviceCode *code);
void          pv_device_code_free     (PvDeviceCode       *code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvDeviceCode, pv_device_code_free)

#define PV_TYPE_GRAPH (pv_graph_get_type ())
G_DECLARE_FINAL_TYPE (PvGraph, pv_graph, PV, GRAPH, GObject)

PvGraph    *pv_graph_new                (const char          *login_url,
                                         const char          *graph_url,
                                         const char          *directory,
                                         const char          *client_id);
const char *pv_graph_get_directory      (PvGraph             *self);
const char *pv_graph_get_graph_url      (PvGraph             *self);
const char *pv_graph_get_account        (PvGraph             *self);
gboolean    pv_graph_get_signed_in      (PvGraph             *self);
void        pv_graph_set_in_memory      (PvGraph             *self,
                                         gboolean             in_memory);
gint64      pv_graph_get_refreshed_at   (PvGraph             *self);
char       *pv_graph_get_keyring_name   (PvGraph             *self);
char       *pv_graph_get_scopes         (PvGraph             *self);
void        pv_graph_set_retry_limit    (PvGraph             *self,
                                         guint                max_wait_seconds);

void        pv_graph_sign_in_async      (PvGraph             *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    pv_graph_sign_in_finish     (PvGraph             *self,
                                         GAsyncResult        *result,
                                         GError             **error);
void        pv_graph_restore_async      (PvGraph             *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    pv_graph_restore_finish     (PvGraph             *self,
                                         GAsyncResult        *result,
                                         GError             **error);
void        pv_graph_sign_out_async     (PvGraph             *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    pv_graph_sign_out_finish    (PvGraph             *self,
                                         GAsyncResult        *result,
                                         GError             **error);

void        pv_graph_request_async      (PvGraph             *self,
                                         const char          *method,
                                         const char          *path,
                                         JsonNode            *body,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonNode   *pv_graph_request_finish     (PvGraph             *self,
                                         GAsyncResult        *result,
                                         GError             **error);

char       *pv_graph_error_message      (guint                status,
                                         JsonNode            *body);
char       *pv_graph_describe_wait      (guint                seconds);

typedef void (*PvProgressFunc) (guint    done,
                                guint    total,
                                gpointer user_data);

/**
 * PvGraphAnswer:
 * @status: the HTTP status of this request in its batch (0 if Graph left
 *   it out)
 * @body: (nullable): its JSON object, when it succeeded
 * @error: (nullable): why it failed
 *
 * One request's answer in a JSON batch.
 */
typedef struct {
  guint     status;
  JsonNode *body;
  GError   *error;
} PvGraphAnswer;

void        pv_graph_answer_free        (PvGraphAnswer       *answer);
void        pv_graph_batch_async        (PvGraph             *self,
                                         const char * const  *paths,
                                         guint                n_paths,
                                         PvProgressFunc       progress,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray  *pv_graph_batch_finish       (PvGraph             *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
