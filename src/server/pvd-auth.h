/* pvd-auth.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-message.h"

#include "pvd-server-private.h"

G_BEGIN_DECLS

void        pvd_auth_start          (PvdWorker         *worker);
void        pvd_auth_stop           (PvdWorker         *worker);
gboolean    pvd_rate_limited        (PvdServer         *self,
                                     PvdMessage        *msg);
gboolean    pvd_count_auth_failure  (PvdServer         *self,
                                     PvdStore          *store,
                                     PvdMessage        *msg);
gboolean    pvd_authenticate_admin  (PvdRequest        *req);
PvdScimAuth pvd_scim_authenticate   (PvdWorker         *worker,
                                     PvdMessage        *msg,
                                     const char        *slug,
                                     const char        *kind,
                                     const char        *secret,
                                     const char        *user_agent,
                                     gboolean           provisions,
                                     gint64             now,
                                     const PvdTenant  **out_tenant,
                                     const PvdToken   **out_token,
                                     gboolean          *out_enabled,
                                     GError           **error);

G_END_DECLS
