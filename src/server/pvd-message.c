/* pvd-message.c: one HTTP request and its answer, as the handlers see them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-message"

#include "config.h"

#include "pvd-message.h"

/**
 * pvd_message_init:
 * @funcs: how to ask the front end for the rest of the request
 * @native: the front end's request, for @funcs
 * @path: (not nullable): the path as sent, without the query
 * @query: (nullable): the query as sent
 *
 * Makes a message with no answer yet (status 0).  The strings are borrowed
 * and must outlive it.
 */
void
pvd_message_init (PvdMessage            *msg,
                  const PvdMessageFuncs *funcs,
                  gpointer               native,
                  const char            *method,
                  const char            *path,
                  const char            *query)
{
  *msg = (PvdMessage) { 0 };
  msg->funcs = funcs;
  msg->native = native;
  msg->method = method;
  msg->path = path;
  msg->query = query;
}

void
pvd_message_clear (PvdMessage *msg)
{
  g_clear_error (&msg->error);
  msg->finish = NULL;
  g_clear_pointer (&msg->body, g_bytes_unref);
  for (guint i = 0; i < msg->n_headers; i++)
    g_free (msg->headers[i].value);
  msg->n_headers = 0;
}

const char *
pvd_message_get_method (PvdMessage *msg)
{
  return msg->method;
}

const char *
pvd_message_get_query (PvdMessage *msg)
{
  return msg->query;
}

/**
 * pvd_message_get_header:
 *
 * Returns: (nullable): the request header @name (any case); one of its
 *   values if it was sent more than once
 */
const char *
pvd_message_get_header (PvdMessage *msg,
                        const char *name)
{
  return msg->funcs->get_header (msg, name);
}

/**
 * pvd_message_get_content_type:
 *
 * Returns: (nullable): the media type of the request body, without its
 *   parameters
 */
const char *
pvd_message_get_content_type (PvdMessage *msg)
{
  return msg->funcs->get_content_type (msg);
}

const char *
pvd_message_get_remote_host (PvdMessage *msg)
{
  const char *host = msg->funcs->get_remote_host (msg);

  return host ? host : "unknown";
}

/**
 * pvd_message_get_body:
 *
 * Returns: (transfer full): the request body, empty if there is none
 */
GBytes *
pvd_message_get_body (PvdMessage *msg)
{
  return msg->funcs->get_body (msg);
}

/* The answer */

void
pvd_message_set_status (PvdMessage *msg,
                        guint       status)
{
  msg->status = status;
}

guint
pvd_message_get_status (PvdMessage *msg)
{
  return msg->status;
}

/**
 * pvd_message_set_response:
 * @content_type: (nullable): a static string
 * @body: (nullable): the body, referenced
 *
 * Sets the answer's status and body, replacing any before.
 */
void
pvd_message_set_response (PvdMessage *msg,
                          guint       status,
                          const char *content_type,
                          GBytes     *body)
{
  msg->status = status;
  msg->content_type = content_type;
  g_clear_pointer (&msg->body, g_bytes_unref);
  msg->body = body ? g_bytes_ref (body) : NULL;
}

/**
 * pvd_message_get_response:
 *
 * Returns: (transfer none) (nullable): the answer's body
 */
GBytes *
pvd_message_get_response (PvdMessage *msg)
{
  return msg->body;
}

/**
 * pvd_message_set_header:
 * @name: a static string
 *
 * Sets a header of the answer, replacing one of that name.
 */
void
pvd_message_set_header (PvdMessage *msg,
                        const char *name,
                        const char *value)
{
  guint i;

  for (i = 0; i < msg->n_headers; i++)
    if (g_ascii_strcasecmp (msg->headers[i].name, name) == 0)
      break;
  g_return_if_fail (i < PVD_MESSAGE_MAX_HEADERS);
  if (i == msg->n_headers)
    {
      msg->headers[i].name = name;
      msg->n_headers++;
    }
  else
    g_free (msg->headers[i].value);
  msg->headers[i].value = g_strdup (value);
}

void
pvd_message_remove_header (PvdMessage *msg,
                           const char *name)
{
  for (guint i = 0; i < msg->n_headers; i++)
    if (g_ascii_strcasecmp (msg->headers[i].name, name) == 0)
      {
        g_free (msg->headers[i].value);
        msg->headers[i] = msg->headers[--msg->n_headers];
        return;
      }
}

/**
 * pvd_message_defer:
 * @finish: completes the answer once it is resumed
 *
 * The answer the handler leaves waits for pvd_message_resume(); the front
 * end holds the request, and serves others meanwhile.
 */
void
pvd_message_defer (PvdMessage       *msg,
                   PvdMessageFinish  finish)
{
  g_return_if_fail (finish != NULL);
  g_return_if_fail (msg->funcs->resume != NULL);

  msg->finish = finish;
}

gboolean
pvd_message_is_deferred (PvdMessage *msg)
{
  return msg->finish != NULL;
}

/**
 * pvd_message_resume:
 * @error: (nullable): why the answer must change, for its #PvdMessageFinish
 *
 * Tells the front end that a deferred answer is ready.  Called once, from
 * any thread; the message belongs to the front end again from here on.
 */
void
pvd_message_resume (PvdMessage   *msg,
                    const GError *error)
{
  if (error != NULL)
    msg->error = g_error_copy (error);
  msg->funcs->resume (msg);
}

/**
 * pvd_message_finish:
 *
 * Completes a resumed answer, in the front end's thread, before it is
 * sent; nothing for an answer that was not deferred.
 */
void
pvd_message_finish (PvdMessage *msg)
{
  PvdMessageFinish finish = g_steal_pointer (&msg->finish);

  if (finish != NULL)
    finish (msg, msg->error);
  g_clear_error (&msg->error);
}
