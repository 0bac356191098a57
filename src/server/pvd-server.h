/* pvd-server.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pvd-store.h"

G_BEGIN_DECLS

#define PVD_MAX_BODY_SIZE (64 * 1024)
#define PVD_DEFAULT_AUTH_FAILURE_LIMIT 20
#define PVD_AUTH_FAILURE_WINDOW 60
#define PVD_DEFAULT_REQUEST_TIMEOUT 30
#define PVD_MAX_REQUEST_TIMEOUT 3600
/* Request headers: past these provisiod answers 431 (pvd-limits.c), well
 * inside the 80 KiB libmicrohttpd holds per connection (pvd-mhd.c), past
 * which it answers 431 itself. */
#define PVD_MAX_HEADER_FIELDS 100
#define PVD_MAX_HEADER_SIZE (16 * 1024)

typedef struct {
  char    *listen;               /* ADDR:PORT */
  guint    threads;              /* worker threads, at least 1 */
  char    *public_url;           /* NULL: from the listening address */
  gint64   retire_grace;          /* -1: the identity provider's (pvd_retire_window) */
  guint    auth_failure_limit;
  guint    request_timeout;      /* seconds for a request and its answer */
  gboolean test_clock;
  gint64   clock_offset;
  GTlsCertificate *tls_certificate;     /* NULL: plain HTTP */
  gboolean allow_insecure_http;         /* plain HTTP beyond loopback */
} PvdServerOptions;

#define PVD_TYPE_SERVER (pvd_server_get_type ())
G_DECLARE_FINAL_TYPE (PvdServer, pvd_server, PVD, SERVER, GObject)

PvdServer  *pvd_server_new         (const char              *db_path,
                                    const PvdServerOptions  *options);
gboolean    pvd_server_listen      (PvdServer               *self,
                                    GError                 **error);
const char *pvd_server_get_url     (PvdServer               *self);
gint64      pvd_server_now         (PvdServer               *self);
void        pvd_server_stop        (PvdServer               *self);

G_END_DECLS
