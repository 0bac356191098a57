/* pvd-tls.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* GnuTLS priorities provisiod serves with unless G_TLS_GNUTLS_PRIORITY is set */
#define PVD_TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

GTlsCertificate *pvd_tls_load_certificate (const char    *certificate_file,
                                           const char    *key_file,
                                           GError       **error);
gboolean         pvd_tls_check_plain_http (GInetAddress  *address,
                                           gboolean       allow_insecure_http,
                                           GError       **error);

G_END_DECLS
