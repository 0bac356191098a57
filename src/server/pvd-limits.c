/* pvd-limits.c: the limits of a request's headers and body, and the answers
 * past them (the front end, pvd-mhd.c, checks them and keeps the deadline)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-limits"

#include "config.h"

#include <string.h>

#include "pvd-http.h"
#include "pvd-limits.h"

/**
 * pvd_send_limit_error:
 * @status: 431 (headers too large) or 413 (body too large)
 *
 * Answers a request past a limit, in the format of the part asked: a SCIM
 * error body under /t/, the API's otherwise; the connection closes after
 * the answer.
 */
void
pvd_send_limit_error (PvdMessage *msg,
                      guint       status)
{
  g_autofree char *message = NULL;
  const char *code;

  if (status == 431)
    {
      code = "headers_too_large";
      message = g_strdup_printf ("The request headers are too large: at most %d fields and %d KiB",
                                 PVD_MAX_HEADER_FIELDS, PVD_MAX_HEADER_SIZE / 1024);
    }
  else
    {
      g_return_if_fail (status == 413);
      code = "payload_too_large";
      message = g_strdup_printf ("The body is larger than %d KiB", PVD_MAX_BODY_SIZE / 1024);
    }
  pvd_message_set_header (msg, "Connection", "close");
  if (g_str_has_prefix (msg->path, "/t/"))
    pvd_send_scim_error (msg, status, NULL, "%s", message);
  else
    pvd_send_error (msg, status, code, "%s", message);
}

/**
 * pvd_header_size_add:
 *
 * Counts one request header field towards %PVD_MAX_HEADER_FIELDS and
 * %PVD_MAX_HEADER_SIZE.
 */
void
pvd_header_size_add (PvdHeaderSize *size,
                     const char    *name,
                     const char    *value)
{
  size->n_fields++;
  size->size += strlen (name) + (value ? strlen (value) : 0) + 4;   /* ": " and CRLF */
}

gboolean
pvd_header_size_too_large (const PvdHeaderSize *size)
{
  return size->n_fields > PVD_MAX_HEADER_FIELDS || size->size > PVD_MAX_HEADER_SIZE;
}
