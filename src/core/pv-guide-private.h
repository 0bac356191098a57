/* pv-guide-private.h: what the guides and the vendor catalog share
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pv-guide.h"

G_BEGIN_DECLS

void      pv_guide_ensure_resources (void);
gboolean  pv_guide_markup_parse   (const GMarkupParser *parser,
                                   gpointer            user_data,
                                   const char         *data,
                                   gsize               length,
                                   GError            **error);
char     *pv_guide_normalize_text (const char         *text);
gboolean  pv_guide_check_step     (const PvGuideStep  *step,
                                   const char         *guide,
                                   guint               n,
                                   GError            **error);
char     *pv_guide_fill           (const char         *text,
                                   const char         *app,
                                   const char         *tenant,
                                   const char         *url);

G_END_DECLS
