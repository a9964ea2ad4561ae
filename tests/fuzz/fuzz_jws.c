/*
 * fuzz_jws.c: the bearer token path: compact JWS parsing, header checks,
 * key selection and signature verification (jwt.c, b64.c), then the JWT
 * claim checks, against a fixed JWKS (jwks.c) loaded once.  Input: the
 * token bytes after "Bearer ".
 *
 * The JWKS and the seed tokens in corpus/jws are one run of
 * `node tests/jose/mint.mjs cases DIR` (cases-jwks.json and the tokens it
 * printed): every case of shared/spec/bearer-tokens.md, with a key of
 * each supported family and the hostile keys (1024-bit RSA, oct, a
 * private key, off-curve and wrongly sized points, "use":"enc", a
 * duplicate kid).  FUZZ_NOW lies inside the valid tokens' lifetime.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwks.h"
#include "jwt.h"
#include "log.h"
#include "fuzz.h"

#define FUZZ_NOW	(1795747919 + 60)

static const char fuzz_jwks_json[] =
	"{\"keys\":[{\"kty\":\"EC\",\"x\":\"KlKxeIT7db7wj2UgEkzDUb-WUPmXp4dJMLvXvt"
	"60AKM\",\"y\":\"Hi29Hjd13oEQ3G6OyK0lCj_pztT2TwMxc55eso78uUw\",\"crv\":\""
	"P-256\",\"kid\":\"es256\",\"alg\":\"ES256\",\"use\":\"sig\"},{\"kty\":\"EC\",\"x\":"
	"\"HobwsUuRumR5tHIgOHmtYQTvEiBeMi3EAzDFkHiAycbQJXB_fHhLoQUrzHZxxJW"
	"C\",\"y\":\"EbHKKcHiG1Mg5b-rgZL3T3WGTaLgiH6icYj1lCGxLJyhhq8lpAVDVVs3"
	"Djkt-il3\",\"crv\":\"P-384\",\"kid\":\"es384\",\"alg\":\"ES384\",\"use\":\"sig\"}"
	",{\"kty\":\"EC\",\"x\":\"APEU2Q-aTzNZuYySIBwq6CsOe_KROo_dG8426-rOqDQKUu"
	"zssfk09XZntgv_Eq3R_nJgsJi7oxZoFkWufX-WYUhH\",\"y\":\"AIHnOpIkf_V7z5m"
	"qGGwSdrqeh2p_-tzG3i9ASP2Hf7T0dXubMB7tCFaAotvShEc_R7kta3GrCS1zMwo"
	"DaT6HMaYW\",\"crv\":\"P-521\",\"kid\":\"es512\",\"alg\":\"ES512\",\"use\":\"sig\""
	"},{\"crv\":\"Ed25519\",\"x\":\"TYaCg_3-OcUE31oA-ThAPbkcn4rXL6M_OELikUa0"
	"agk\",\"kty\":\"OKP\",\"kid\":\"ed25519\",\"alg\":\"EdDSA\",\"use\":\"sig\"},{\"kt"
	"y\":\"RSA\",\"n\":\"79Wxfm2tU1XIYtmdRBNC3WfzWJYj7yr6BKQzeHSYC2q2DUUnLy"
	"VDZj-eGDmme-xOAroI6R5VPf6d_hLEPJa3w-xYpw-hSwtnC8OVcdwzkZWzNR46VD"
	"OdSUjesvSImUPDtn0MR9xeGKv6Cmwphh7LGBnZM5KuqIFdzq2uEvHZhkCKPocBIL"
	"gJCUHOJaasqpVRq1X0K3J9zCtjm71_XJGHwFT2i3_LuJNgd4aLNFll9JtoIlJofV"
	"84oTXnxa4DIkvzoLTkXMhnBks6a2Y8-F9Kqnxg5NfBxn7ulQ-Xwpl9zPj8eFDR0v"
	"yICyHwYtkK7XW0srgex2x0y7uSmvPCa5hvew\",\"e\":\"AQAB\",\"kid\":\"rs256\",\""
	"alg\":\"RS256\",\"use\":\"sig\"},{\"kty\":\"RSA\",\"n\":\"79Wxfm2tU1XIYtmdRBNC"
	"3WfzWJYj7yr6BKQzeHSYC2q2DUUnLyVDZj-eGDmme-xOAroI6R5VPf6d_hLEPJa3"
	"w-xYpw-hSwtnC8OVcdwzkZWzNR46VDOdSUjesvSImUPDtn0MR9xeGKv6Cmwphh7L"
	"GBnZM5KuqIFdzq2uEvHZhkCKPocBILgJCUHOJaasqpVRq1X0K3J9zCtjm71_XJGH"
	"wFT2i3_LuJNgd4aLNFll9JtoIlJofV84oTXnxa4DIkvzoLTkXMhnBks6a2Y8-F9K"
	"qnxg5NfBxn7ulQ-Xwpl9zPj8eFDR0vyICyHwYtkK7XW0srgex2x0y7uSmvPCa5hv"
	"ew\",\"e\":\"AQAB\",\"kid\":\"rs384\",\"alg\":\"RS384\",\"use\":\"sig\"},{\"kty\":\""
	"RSA\",\"n\":\"79Wxfm2tU1XIYtmdRBNC3WfzWJYj7yr6BKQzeHSYC2q2DUUnLyVDZj"
	"-eGDmme-xOAroI6R5VPf6d_hLEPJa3w-xYpw-hSwtnC8OVcdwzkZWzNR46VDOdSU"
	"jesvSImUPDtn0MR9xeGKv6Cmwphh7LGBnZM5KuqIFdzq2uEvHZhkCKPocBILgJCU"
	"HOJaasqpVRq1X0K3J9zCtjm71_XJGHwFT2i3_LuJNgd4aLNFll9JtoIlJofV84oT"
	"Xnxa4DIkvzoLTkXMhnBks6a2Y8-F9Kqnxg5NfBxn7ulQ-Xwpl9zPj8eFDR0vyICy"
	"HwYtkK7XW0srgex2x0y7uSmvPCa5hvew\",\"e\":\"AQAB\",\"kid\":\"rs512\",\"alg\""
	":\"RS512\",\"use\":\"sig\"},{\"kty\":\"RSA\",\"n\":\"31JVRppQBDISu_7oKE5IS9P4"
	"_Z8T5pmqYtTe2f42-KgIDKcAhgetXC3kZOdAlq-UT3Qm-V4S67BBqStoCvjPKkLU"
	"mmmaOQcpPxqVgdmFB_OddZh7QMfFoiO4jBvxAsmO4jQvBqvF7UzGE-vDy_s9rBmC"
	"adtqGPIIfoBPrfpjRzdQ8hB1XRoVrGeKjgwKrQzS664jmg1NhLKhmz4yOIln9wWU"
	"ucf100L0p9nHcGtoz13tYxnt6poghtoLCAC2cjeh80gkaoLKEQHX9UQ6O2wac2UX"
	"Qn-dj-OBTlGag8PZwQF0YUr-PebQPpGU7SEZhDk6HLLAZIMcXfDv4mavOrU7bw\","
	"\"e\":\"AQAB\",\"kid\":\"ps256\",\"alg\":\"PS256\"},{\"kty\":\"RSA\",\"n\":\"31JVRp"
	"pQBDISu_7oKE5IS9P4_Z8T5pmqYtTe2f42-KgIDKcAhgetXC3kZOdAlq-UT3Qm-V"
	"4S67BBqStoCvjPKkLUmmmaOQcpPxqVgdmFB_OddZh7QMfFoiO4jBvxAsmO4jQvBq"
	"vF7UzGE-vDy_s9rBmCadtqGPIIfoBPrfpjRzdQ8hB1XRoVrGeKjgwKrQzS664jmg"
	"1NhLKhmz4yOIln9wWUucf100L0p9nHcGtoz13tYxnt6poghtoLCAC2cjeh80gkao"
	"LKEQHX9UQ6O2wac2UXQn-dj-OBTlGag8PZwQF0YUr-PebQPpGU7SEZhDk6HLLAZI"
	"McXfDv4mavOrU7bw\",\"e\":\"AQAB\",\"kid\":\"ps384\",\"alg\":\"PS384\"},{\"kty\""
	":\"RSA\",\"n\":\"31JVRppQBDISu_7oKE5IS9P4_Z8T5pmqYtTe2f42-KgIDKcAhget"
	"XC3kZOdAlq-UT3Qm-V4S67BBqStoCvjPKkLUmmmaOQcpPxqVgdmFB_OddZh7QMfF"
	"oiO4jBvxAsmO4jQvBqvF7UzGE-vDy_s9rBmCadtqGPIIfoBPrfpjRzdQ8hB1XRoV"
	"rGeKjgwKrQzS664jmg1NhLKhmz4yOIln9wWUucf100L0p9nHcGtoz13tYxnt6pog"
	"htoLCAC2cjeh80gkaoLKEQHX9UQ6O2wac2UXQn-dj-OBTlGag8PZwQF0YUr-PebQ"
	"PpGU7SEZhDk6HLLAZIMcXfDv4mavOrU7bw\",\"e\":\"AQAB\",\"kid\":\"ps512\",\"al"
	"g\":\"PS512\"},{\"kty\":\"EC\",\"x\":\"sW0otbc9BHKjxLrMzmXtudaMzCNBKRXm43Z"
	"csTkN3SK8-pJtWSXkFJFmUWN_g9p_\",\"y\":\"pQMNk9ZgsoqQmIR89XSfOXIB_hB1"
	"cVzoopbAIjhng4i0qFV7xIBtSjn04UbjM0_R\",\"crv\":\"P-384\",\"kid\":\"p384-"
	"noalg\"},{\"kty\":\"EC\",\"x\":\"kMVL9WxgMaqKm0SJGV1o-44Zy_t-BSeSuDhSUj2"
	"bJh8UCZZamhBeDU8RjVZBuv3u\",\"y\":\"eSC9v7hixxeByckCH2SuFqXaZEyjarrU"
	"lYY3ld_vd7zwmGTBceciT9tNeB9xRwpQ\",\"crv\":\"P-384\",\"kid\":\"p384-es25"
	"6\",\"alg\":\"ES256\"},{\"kty\":\"RSA\",\"n\":\"79Wxfm2tU1XIYtmdRBNC3WfzWJYj"
	"7yr6BKQzeHSYC2q2DUUnLyVDZj-eGDmme-xOAroI6R5VPf6d_hLEPJa3w-xYpw-h"
	"SwtnC8OVcdwzkZWzNR46VDOdSUjesvSImUPDtn0MR9xeGKv6Cmwphh7LGBnZM5Ku"
	"qIFdzq2uEvHZhkCKPocBILgJCUHOJaasqpVRq1X0K3J9zCtjm71_XJGHwFT2i3_L"
	"uJNgd4aLNFll9JtoIlJofV84oTXnxa4DIkvzoLTkXMhnBks6a2Y8-F9Kqnxg5NfB"
	"xn7ulQ-Xwpl9zPj8eFDR0vyICyHwYtkK7XW0srgex2x0y7uSmvPCa5hvew\",\"e\":"
	"\"AQAB\",\"kid\":\"rs-enc\",\"alg\":\"RS256\",\"use\":\"enc\"},{\"kty\":\"EC\",\"x\""
	":\"XriDhKs6zZi3pUc7W5McdQkq858OzOruadZzF4pi_9E\",\"y\":\"AbmXSjS3SXuZ"
	"FHv6TnJxp21V69hkqjOsASA7sFvaTO4\",\"crv\":\"P-256\",\"kid\":\"ops-sign\","
	"\"key_ops\":[\"sign\"]},{\"kty\":\"EC\",\"x\":\"kaR-LPmjn7qEsk_KKQ1ZPBWIJb6"
	"ZfN7QD5Hg2r0Ca3E\",\"y\":\"rWGRQPbjyTFyn3-RIYaJyaApdNzj2RNu4Fh5BX4e2"
	"UQ\",\"crv\":\"P-256\",\"kid\":\"dup\",\"alg\":\"ES256\"},{\"kty\":\"EC\",\"x\":\"h1"
	"EXhsCO7d6Uj1nAoojGAPWb8LPF9oQ04J4o_wOusQM\",\"y\":\"xcpKj-lkij-gUq8s"
	"aYY5ehT8E7XNFat_L7wppMTLdLc\",\"crv\":\"P-256\",\"kid\":\"dup\",\"alg\":\"ES"
	"256\"},{\"kty\":\"RSA\",\"n\":\"qUXesU9rYYMGza5ScV0azw18aHhYwoubV1f8O7XV"
	"o5HBb5QViWDv-VunaHn6grC59oHmk0o4d9jOlASLQeus6CDHB-7aAbACOzRjY7YA"
	"oVTCKvJVu_vJR20jdXIVghdACyhFnAzPMb7n2vl_oqPBF65AdCi2WJ_EcCv0BvxT"
	"dV0\",\"e\":\"AQAB\",\"kid\":\"rsa1024\",\"alg\":\"RS256\"},{\"kty\":\"oct\",\"kid"
	"\":\"hs\",\"alg\":\"HS256\",\"k\":\"4_Pcckn0lQ4ywUQxKZXHjNLQnIG2a3ki7tLTlr"
	"zDhfo\"},{\"kty\":\"EC\",\"x\":\"uIOEqzrNmLelRztbkxx1CSrznw7M6u5p1nMXimL"
	"_0Q\",\"y\":\"AbmXSjS3SXuZFHv6TnJxp21V69hkqjOsASA7sFvaTO4\",\"crv\":\"P-"
	"256\",\"kid\":\"x31\"},{\"kty\":\"EC\",\"x\":\"AF64g4SrOs2Yt6VHO1uTHHUJKvOfD"
	"szq7mnWcxeKYv_R\",\"y\":\"AbmXSjS3SXuZFHv6TnJxp21V69hkqjOsASA7sFvaTO"
	"4\",\"crv\":\"P-256\",\"kid\":\"x33\"},{\"kty\":\"EC\",\"x\":\"XriDhKs6zZi3pUc7W"
	"5McdQkq858OzOruadZzF4pi_9E\",\"y\":\"AbmXSjS3SXuZFHv6TnJxp21V69hkqjO"
	"sASA7sFvaTO8\",\"crv\":\"P-256\",\"kid\":\"offcurve\"},{\"crv\":\"Ed25519\",\""
	"x\":\"TYaCg_3-OcUE31oA-ThAPbkcn4rXL6M_OELikUa0agkA\",\"kty\":\"OKP\",\"k"
	"id\":\"ed33\"},{\"kty\":\"EC\",\"x\":\"XriDhKs6zZi3pUc7W5McdQkq858OzOruadZ"
	"zF4pi_9E\",\"y\":\"AbmXSjS3SXuZFHv6TnJxp21V69hkqjOsASA7sFvaTO4\",\"crv"
	"\":\"P-256\",\"d\":\"1krBBYC2ACH5yQwtPxHPRyMey_U86MuI59jf7HSQVVA\",\"kid"
	"\":\"withd\"}]}";

static struct jwks	*fuzz_keys;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(LOG_LVL_DEBUG, "fuzz_jws");
	if (jwks_load_mem(fuzz_jwks_json, sizeof(fuzz_jwks_json) - 1,
	    &fuzz_keys) != USERCGI_OK || jwks_count(fuzz_keys) == 0) {
		fprintf(stderr, "fuzz_jws: the fixed JWKS does not load\n");
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jwt_policy pol = {
		.issuer = "http://127.0.0.1:3001/oidc",
		.audience = "https://default.logto.app/api",
		.scope = "all",
		.require_exp = 1,
		.leeway = 0,
	};
	unsigned char		*payload = NULL;
	size_t			 plen = 0;
	enum jwt_fail		 fail = JWT_FAIL_NONE;
	enum usercgi_err	 rc;
	char			 sub[256];
	int			 reload = 0;

	rc = jws_verify(fuzz_keys, (const char *)data, size, &payload, &plen,
	    &fail, &reload);
	if (rc == USERCGI_OK) {
		FUZZ_ASSERT(fail == JWT_FAIL_NONE);
		FUZZ_ASSERT(payload != NULL || plen == 0);
	} else if (rc == USERCGI_UNAUTH) {
		FUZZ_ASSERT(fail > JWT_FAIL_NONE && fail < JWT_FAIL_MAX);
		FUZZ_ASSERT(jwt_fail_code(fail) != NULL &&
		    jwt_fail_name(fail) != NULL);
	}
	free(payload);

	memset(sub, 'x', sizeof(sub));
	fail = JWT_FAIL_NONE;
	reload = 0;
	rc = jwt_verify(fuzz_keys, (const char *)data, size, &pol, FUZZ_NOW,
	    sub, sizeof(sub), &fail, &reload, NULL);
	if (rc == USERCGI_OK) {
		FUZZ_ASSERT(memchr(sub, '\0', sizeof(sub)) != NULL);
		FUZZ_ASSERT(sub[0] != '\0');
	}
	return 0;
}
