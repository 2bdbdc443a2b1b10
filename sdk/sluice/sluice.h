/* sluice/sluice.h — the whole sluice SDK in one include.
 *
 * Plugins build against it with `pkg-config --cflags --libs sluice` and are
 * installed to `pkg-config --variable=plugindir sluice`.  See sluice-plugin(7)
 * and the template in sdk/template/. */
#ifndef SLUICE_SLUICE_H
#define SLUICE_SLUICE_H

#include <sluice/abi.h>
#include <sluice/config.h>
#include <sluice/expr.h>
#include <sluice/data_format.h>
#include <sluice/datetime.h>
#include <sluice/format.h>
#include <sluice/record.h>
#include <sluice/stage.h>

#endif
