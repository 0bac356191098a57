/* pvd-message.h: one HTTP request and its answer, as the handlers see them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PVD_MESSAGE_MAX_HEADERS 8

typedef struct _PvdMessage PvdMessage;

/* What only the HTTP library serving the request knows; asked when needed.
 * A header sent more than once gives one of its values. */
typedef struct {
  const char *(*get_header)       (PvdMessage *msg,
                                   const char *name);
  const char *(*get_content_type) (PvdMessage *msg);   /* without parameters */
  const char *(*get_remote_host)  (PvdMessage *msg);
  GBytes     *(*get_body)         (PvdMessage *msg);
  /* A deferred answer is ready (pvd_message_resume()); from any thread. */
  void        (*resume)           (PvdMessage *msg);
} PvdMessageFuncs;

/* Completes a deferred answer in the front end's thread; @error is what
 * pvd_message_resume() was given. */
typedef void (*PvdMessageFinish) (PvdMessage   *msg,
                                  const GError *error);

/* The front end (pvd-mhd.c, on libmicrohttpd) fills in the request, calls
 * pvd_server_handle(), and sends the answer the handlers left here.  It
 * lives as long as the front end's request.  A handler whose answer waits
 * (a SCIM change, for its group's commit) defers it; the front end then
 * serves other connections until pvd_message_resume(), and sends the
 * answer after pvd_message_finish(). */
struct _PvdMessage {
  /* The handlers use the functions below; the front ends read the fields. */
  const PvdMessageFuncs *funcs;
  gpointer               native;     /* the front end's request */
  const char            *method;
  const char            *path;       /* as sent, without the query */
  const char            *query;      /* as sent, or NULL */

  /* The answer */
  guint                  status;
  const char            *content_type;
  GBytes                *body;
  guint                  n_headers;
  struct {
    const char *name;                /* static */
    char       *value;
  } headers[PVD_MESSAGE_MAX_HEADERS];

  /* A deferred answer */
  PvdMessageFinish       finish;     /* non-NULL while it waits */
  GError                *error;
};

void        pvd_message_init             (PvdMessage            *msg,
                                          const PvdMessageFuncs *funcs,
                                          gpointer               native,
                                          const char            *method,
                                          const char            *path,
                                          const char            *query);
void        pvd_message_clear            (PvdMessage            *msg);

const char *pvd_message_get_method       (PvdMessage            *msg);
const char *pvd_message_get_query        (PvdMessage            *msg);
const char *pvd_message_get_header       (PvdMessage            *msg,
                                          const char            *name);
const char *pvd_message_get_content_type (PvdMessage            *msg);
const char *pvd_message_get_remote_host  (PvdMessage            *msg);
GBytes     *pvd_message_get_body         (PvdMessage            *msg);

void        pvd_message_set_status       (PvdMessage            *msg,
                                          guint                  status);
guint       pvd_message_get_status       (PvdMessage            *msg);
void        pvd_message_set_response     (PvdMessage            *msg,
                                          guint                  status,
                                          const char            *content_type,
                                          GBytes                *body);
GBytes     *pvd_message_get_response     (PvdMessage            *msg);
void        pvd_message_set_header       (PvdMessage            *msg,
                                          const char            *name,
                                          const char            *value);
void        pvd_message_remove_header    (PvdMessage            *msg,
                                          const char            *name);

void        pvd_message_defer            (PvdMessage            *msg,
                                          PvdMessageFinish       finish);
gboolean    pvd_message_is_deferred      (PvdMessage            *msg);
void        pvd_message_resume           (PvdMessage            *msg,
                                          const GError          *error);
void        pvd_message_finish           (PvdMessage            *msg);

G_END_DECLS
