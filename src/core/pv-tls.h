/* pv-tls.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char         *pv_tls_fingerprint             (GTlsCertificate      *certificate);
char         *pv_tls_fingerprint_of_file     (const char           *path,
                                              GError              **error);
char         *pv_tls_fingerprint_normalize   (const char           *text);
char         *pv_tls_describe_errors         (GTlsCertificateFlags  errors,
                                              const char           *host);
gboolean      pv_tls_url_is_insecure         (const char           *url);
GTlsDatabase *pv_tls_pinned_database_new     (const char           *fingerprint);

G_END_DECLS
