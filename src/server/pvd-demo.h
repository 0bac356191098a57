/* pvd-demo.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-store.h"

G_BEGIN_DECLS

typedef struct {
  char *slug;
  char *name;
  char *admin_key;
  /* A stand-in vendor rather than a tenant: the catalog's vendor, and the
   * tokens a tracked app holds for its connections (NULL: none) */
  char *vendor;
  char *users_token;
  char *persons_token;
  gint64 issued_at;
} PvdDemoTenant;

void       pvd_demo_tenant_free (PvdDemoTenant *tenant);
GPtrArray *pvd_demo_seed        (PvdStore      *store,
                                 gint64         now,
                                 gint64         retire_grace,
                                 GError       **error);

G_END_DECLS
