/* pvd-scim-attributes.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pvd-scim-store.h"

G_BEGIN_DECLS

gboolean pvd_scim_normalize (JsonObject   *object,
                             PvdScimType   type,
                             GError      **error);

G_END_DECLS
