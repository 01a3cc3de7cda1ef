// Checks a posted OData V2 JSON entity against its EDMX entity type, the way SAP Gateway
// rejects a payload before any business logic runs: unknown properties, wrong JSON types,
// Edm.Decimal as a string within precision/scale, Edm.DateTime as "/Date(ms)/", Edm.String
// within MaxLength, and creatable keys that must be sent. Deep inserts are checked through
// their navigation properties ({"results": [...]}).
//
// The mock server checks none of this: without it a client bug (a float amount, a 17-character
// reference) would pass the tests and fail on a real system.

const GW = '/IWBEP/CM_MGW_RT/022'; // SAP Gateway's "invalid value" message class/number form

/**
 * @param {import('./edmx.mjs').Edmx} edmx
 * @param {string} typeName entity type name
 * @param {unknown} body the JSON entity
 * @returns {{code: string, message: string, propertyref: string, target: string}[]}
 */
export function checkEntity(edmx, typeName, body, path = '') {
    const type = edmx.entityTypes.get(typeName);
    const errors = [];
    const err = (prop, message) =>
        errors.push({ code: GW, message, propertyref: `${typeName}/${prop}`, target: path + prop });
    if (!type) {
        errors.push({ code: GW, message: `Entity type ${typeName} is unknown`, propertyref: '', target: path });
        return errors;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        errors.push({ code: GW, message: `Entity of type ${typeName} must be a JSON object`, propertyref: '', target: path });
        return errors;
    }
    for (const [name, value] of Object.entries(body)) {
        if (name === '__metadata') continue;
        const prop = type.properties.get(name);
        if (prop) {
            const problem = checkValue(prop, value);
            if (problem) err(name, `Property '${name}' has invalid value ${JSON.stringify(value)}: ${problem}`);
            continue;
        }
        const nav = type.navigation.get(name);
        if (!nav) {
            err(name, `Property '${name}' is invalid: entity type ${typeName} has no such property`);
            continue;
        }
        const children = nav.many ? value?.results ?? value : [value];
        if (!Array.isArray(children)) {
            err(name, `Navigation property '${name}' must be {"results": [...]}`);
            continue;
        }
        children.forEach((child, i) => errors.push(...checkEntity(edmx, nav.target, child, `${path}${name}(${i})/`)));
    }
    for (const key of type.keys) {
        const prop = type.properties.get(key);
        if (prop.creatable && (body[key] === undefined || body[key] === null || body[key] === '')) {
            err(key, `Key property '${key}' of ${typeName} is required`);
        }
    }
    return errors;
}

/** Returns why `value` is not a valid JSON value of `prop`, or undefined when it is. */
export function checkValue(prop, value) {
    if (value === null) return prop.nullable ? undefined : 'property is not nullable';
    switch (prop.type) {
        case 'Edm.String':
            if (typeof value !== 'string') return 'Edm.String expects a JSON string';
            if (prop.maxLength !== undefined && [...value].length > prop.maxLength) {
                return `longer than MaxLength ${prop.maxLength}`;
            }
            return undefined;
        case 'Edm.Decimal':
            return checkDecimal(prop, value);
        case 'Edm.DateTime':
            if (typeof value !== 'string' || !/^\/Date\(-?\d+([+-]\d{4})?\)\/$/.test(value)) {
                return 'Edm.DateTime expects "/Date(<milliseconds>)/"';
            }
            return undefined;
        case 'Edm.DateTimeOffset':
            if (typeof value !== 'string' || !(/^\/Date\(-?\d+([+-]\d{4})?\)\/$/.test(value) || !Number.isNaN(Date.parse(value)))) {
                return 'Edm.DateTimeOffset expects "/Date(<milliseconds>)/" or an ISO timestamp';
            }
            return undefined;
        case 'Edm.Boolean':
            return typeof value === 'boolean' ? undefined : 'Edm.Boolean expects true or false';
        case 'Edm.Byte':
        case 'Edm.Int16':
        case 'Edm.Int32':
            return Number.isInteger(value) ? undefined : `${prop.type} expects a JSON integer`;
        case 'Edm.Int64':
            return typeof value === 'string' && /^-?\d+$/.test(value) ? undefined : 'Edm.Int64 expects an integer string';
        case 'Edm.Guid':
            return typeof value === 'string' && /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(value)
                ? undefined
                : 'Edm.Guid expects a GUID string';
        case 'Edm.Time':
            return typeof value === 'string' && /^PT\d+H\d+M\d+S$/.test(value) ? undefined : 'Edm.Time expects "PT<h>H<m>M<s>S"';
        default:
            return undefined;
    }
}

// OData V2 JSON carries Edm.Decimal as a string: a JSON number would lose precision in
// JavaScript clients, and SAP Gateway answers it with a conversion error.
function checkDecimal(prop, value) {
    if (typeof value !== 'string') return 'Edm.Decimal expects a decimal string such as "12.50"';
    const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(value);
    if (!m) return 'not a decimal number';
    const intDigits = m[2].replace(/^0+(?=\d)/, '').length;
    const fracDigits = (m[3] || '').length;
    const scale = prop.scale ?? 0;
    const precision = prop.precision ?? 38;
    if (fracDigits > scale) return `more than ${scale} decimal places (Scale ${scale})`;
    if (intDigits > precision - scale) return `more than ${precision - scale} integer digits (Precision ${precision}, Scale ${scale})`;
    return undefined;
}
