/* entra.h: provisioctl entra …, and renew --entra (entra.c)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-entra.h"
#include "pv-renewal.h"
#include "pv-tokens.h"

G_BEGIN_DECLS

extern const GOptionEntry entra_sign_in_entries[];
extern const GOptionEntry entra_link_entries[];
int  entra_sign_in   (GFile *file, char **args);
int  entra_sign_out  (GFile *file, char **args);
int  entra_apps      (GFile *file, char **args);
int  entra_link      (GFile *file, char **args);
int  entra_status    (GFile *file, char **args);
gint64     entra_sign_in_use (char **account);
GPtrArray *entra_saml_certificates (void);
int  entra_import    (GFile *file, char **args);
int  entra_certificates (GFile *file, char **args);
gboolean entra_hand_over (const char          *tenant,
                          const char          *kind,
                          PvRenewal           *renewal,
                          const PvIssuedToken *pasted);
int      entra_cycle_since (const char   *tenant,
                            const char   *kind,
                            gint64        since,
                            PvEntraJob  **job,
                            GError      **error);

G_END_DECLS
