/* pv-entra-import.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pv-entra.h"
#include "pv-tracked-app.h"

G_BEGIN_DECLS

/**
 * PvEntraImport:
 * @added: apps tracked for the first time
 * @updated: apps tracked before, their link and name brought up to date
 * @removed: apps an earlier import tracked that Entra no longer has
 * @provisiod: apps whose SCIM base URL is a provisiod tenant's connection,
 *   left as they are
 * @without_url: apps whose BaseAddress Graph did not tell
 *
 * What one Import from Entra did.
 */
typedef struct {
  guint added;
  guint updated;
  guint removed;
  guint provisiod;
  guint without_url;
} PvEntraImport;

char *pv_entra_import_vendor_for_url (const char          *scim_base_url);
void  pv_entra_import                (PvEntraConfig       *config,
                                      GPtrArray           *tracked,
                                      GPtrArray           *entra_apps,
                                      const char * const  *tenant_urls,
                                      gint64               now,
                                      PvEntraImport       *result);

G_END_DECLS
