/* core/cli/main.c — the `sluice` executable: everything is in libsluice,
 * but for the global init of the libraries stages use (DESIGN §4).
 *
 * Stages never run a library's global init; the core does it once, before
 * any plugin is loaded and before any thread starts:
 *  - libcurl (plugins/aws, the Kinesis stages): curl_global_init is not
 *    thread-safe and must come before any other thread exists, and its
 *    cleanup after the last use (curl_global_init(3)).  sluice_cli_main
 *    returns only after the command tore its pipeline down, its threads
 *    joined.  Done here rather than in libsluice so that the library that
 *    plugins and SDK users link stays free of libcurl: only the program
 *    needs it, which is why configure requires libcurl.
 *  - OpenSSL (libcrypto, for SigV4): nothing to do.  Since 1.1.0 it
 *    initializes itself on first use, thread-safely, and cleans up at exit
 *    (OPENSSL_init_crypto(3)); configure requires >= 1.1.1.  libcurl's
 *    CURL_GLOBAL_DEFAULT initializes its TLS backend (OpenSSL too) anyway.
 */
#include <stdio.h>

#include <curl/curl.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
    CURLcode cc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (cc != CURLE_OK) {
        fprintf(stderr, "sluice: cannot initialize libcurl: %s\n", curl_easy_strerror(cc));
        return EXIT_RUNTIME;
    }
    int rc = sluice_cli_main(argc, argv);
    curl_global_cleanup();
    return rc;
}
