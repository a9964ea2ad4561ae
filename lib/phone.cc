/*
 * phone.cc: the C shim around libphonenumber (phone.h), built as the
 * module usercgi-phone.so (phone_module.h): lib/phone_load.c loads it
 * with dlopen() on the first phone number.  Compiled with
 * -fvisibility=hidden, so the four phonemod_* functions are all it
 * exports; it logs through the host's function given to phonemod_init.
 *
 * Logto (packages/shared/src/utils/phone.ts) calls libphonenumber-js's
 * parsePhoneNumberWithError("+" + digits) and stores countryCallingCode +
 * nationalNumber; any ParseError (TOO_SHORT, INVALID_COUNTRY, TOO_LONG,
 * NOT_A_NUMBER) becomes 422 user.invalid_phone.  A number that parses but
 * is not a valid number for its country ("123", "111111") is stored as
 * parsed: validity is never checked.  The C++ library's Parse with region
 * "ZZ" (unknown: the "+" gives the country) is the same algorithm.
 *
 * Every entry point catches every exception: nothing C++ crosses into C.
 */
#include "config.h"

#include <cstring>
#include <new>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "phone.h"
#include "phone_module.h"

#define PHONEMOD_EXPORT	__attribute__((visibility("default")))

namespace {

/* The log function before phonemod_init: nothing is written. */
void
log_none(enum log_level, const char *, ...)
{
}

/* The host's log function; set once by phonemod_init, before any call. */
phonemod_log_fn	*host_log = log_none;

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

enum phone_form { FORM_STORED, FORM_LEADING_ZERO, FORM_KEY };

/* Returns 1 if digits[0..len) is one or more ASCII digits. */
int
all_digits(const char *digits, size_t len)
{
	size_t	i;

	if (digits == NULL || len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return 0;
	return 1;
}

/*
 * Parses "+" + digits and writes the requested form to out.  Returns the
 * codes of phone.h; may throw std::bad_alloc (the caller catches).
 */
enum usercgi_err
format(const char *digits, size_t len, enum phone_form form, char *out,
    size_t outlen)
{
	PhoneNumberUtil			*util;
	PhoneNumber			 number;
	PhoneNumberUtil::ErrorType	 perr;
	std::string			 input, nsn, result;
	size_t				 zeros;

	if (!all_digits(digits, len))
		return USERCGI_INVALID_PHONE;
	util = PhoneNumberUtil::GetInstance();
	if (util == NULL)
		return USERCGI_INTERNAL;
	input.reserve(len + 1);
	input.push_back('+');
	input.append(digits, len);
	perr = util->Parse(input, "ZZ", &number);
	if (perr != PhoneNumberUtil::NO_PARSING_ERROR) {
		host_log(LOG_LVL_DEBUG,
		    "phone: not parseable (libphonenumber error %d)",
		    static_cast<int>(perr));
		return USERCGI_INVALID_PHONE;
	}
	util->GetNationalSignificantNumber(number, &nsn);
	result = std::to_string(number.country_code());
	switch (form) {
	case FORM_STORED:
		result += nsn;
		break;
	case FORM_LEADING_ZERO:
		result += '0';
		result += nsn;
		break;
	case FORM_KEY:
		zeros = nsn.find_first_not_of('0');
		result += zeros == std::string::npos ? std::string("0") :
		    nsn.substr(zeros);
		break;
	}
	if (result.size() >= outlen)
		return USERCGI_VALUE_TOO_LONG;
	std::memcpy(out, result.data(), result.size());
	out[result.size()] = '\0';
	return USERCGI_OK;
}

/* The exception barrier around format(). */
enum usercgi_err
format_guarded(const char *digits, size_t len, enum phone_form form,
    char *out, size_t outlen) noexcept
{
	if (out == NULL || outlen == 0)
		return USERCGI_INTERNAL;
	out[0] = '\0';
	try {
		return format(digits, len, form, out, outlen);
	} catch (const std::bad_alloc &) {
		host_log(LOG_LVL_ERR, "phone: out of memory in libphonenumber");
		return USERCGI_NOMEM;
	} catch (const std::exception &e) {
		host_log(LOG_LVL_ERR, "phone: libphonenumber failed: %s",
		    e.what());
	} catch (...) {
		host_log(LOG_LVL_ERR, "phone: libphonenumber failed");
	}
	out[0] = '\0';
	return USERCGI_INTERNAL;
}

}	/* namespace */

extern "C" PHONEMOD_EXPORT int
phonemod_init(unsigned int abi, phonemod_log_fn *log)
{
	if (abi != PHONEMOD_ABI)
		return -1;
	if (log != NULL)
		host_log = log;
	return 0;
}

extern "C" PHONEMOD_EXPORT enum usercgi_err
phonemod_normalize(const char *digits, size_t len, char *out, size_t outlen)
{
	return format_guarded(digits, len, FORM_STORED, out, outlen);
}

extern "C" PHONEMOD_EXPORT enum usercgi_err
phonemod_alternate(const char *digits, size_t len, char *out, size_t outlen)
{
	return format_guarded(digits, len, FORM_LEADING_ZERO, out, outlen);
}

extern "C" PHONEMOD_EXPORT enum usercgi_err
phonemod_key(const char *digits, size_t len, char *out, size_t outlen)
{
	return format_guarded(digits, len, FORM_KEY, out, outlen);
}
