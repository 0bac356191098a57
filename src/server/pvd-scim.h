/* pvd-scim.h: the SCIM 2.0 endpoint of each provisioning connection
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-message.h"

#include "pvd-server-private.h"

G_BEGIN_DECLS

gboolean pvd_scim_request_provisions (const char        *method,
                                      const char        *resource);
void     pvd_scim_handle             (PvdWorker         *worker,
                                      PvdMessage        *msg,
                                      const char        *path,
                                      GHashTable        *query,
                                      gint64             now);

G_END_DECLS
