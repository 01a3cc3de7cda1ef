// A small reader for OData V2 EDMX files: entity types with their properties, keys and
// navigation targets, and entity sets with their sap:creatable flag. It reads only what the
// type checks need, with regular expressions over SAP's generated (regular) metadata, so the
// test server does not depend on a transitive package of the mock server.

import { readFileSync } from 'node:fs';

const attrs = (tag) => {
    const out = {};
    for (const m of tag.matchAll(/([\w:.-]+)="([^"]*)"/g)) out[m[1]] = m[2];
    return out;
};

/**
 * @typedef {{name: string, type: string, nullable: boolean, maxLength?: number,
 *   precision?: number, scale?: number, creatable: boolean}} EdmProperty
 * @typedef {{name: string, keys: string[], properties: Map<string, EdmProperty>,
 *   navigation: Map<string, {target: string, many: boolean}>}} EdmEntityType
 */

export class Edmx {
    /** @param {string} xml */
    constructor(xml) {
        const ns = (xml.match(/<Schema[^>]*Namespace="([^"]+)"/) || [])[1] || '';
        this.namespace = ns;
        /** @type {Map<string, EdmEntityType>} */
        this.entityTypes = new Map();
        /** @type {Map<string, {type: string, creatable: boolean}>} */
        this.entitySets = new Map();
        const ends = new Map(); // "assoc/role" -> {type, many}
        for (const a of xml.matchAll(/<Association\s[^>]*Name="([^"]+)"[^>]*>([\s\S]*?)<\/Association>/g)) {
            for (const e of a[2].matchAll(/<End\s[^>]*\/>/g)) {
                const at = attrs(e[0]);
                ends.set(`${a[1]}/${at.Role}`, { type: stripNs(at.Type), many: at.Multiplicity === '*' });
            }
        }
        for (const t of xml.matchAll(/<EntityType\s([^>]*)>([\s\S]*?)<\/EntityType>/g)) {
            const name = attrs(t[1]).Name;
            const body = t[2];
            const keys = [...(body.match(/<Key>([\s\S]*?)<\/Key>/) || ['', ''])[1].matchAll(/Name="([^"]+)"/g)].map((m) => m[1]);
            const properties = new Map();
            for (const p of body.matchAll(/<Property\s[^>]*?\/?>/g)) {
                const a = attrs(p[0]);
                properties.set(a.Name, {
                    name: a.Name,
                    type: a.Type,
                    nullable: a.Nullable !== 'false',
                    maxLength: a.MaxLength ? Number(a.MaxLength) : undefined,
                    precision: a.Precision ? Number(a.Precision) : undefined,
                    scale: a.Scale ? Number(a.Scale) : undefined,
                    creatable: a['sap:creatable'] !== 'false',
                });
            }
            const navigation = new Map();
            for (const n of body.matchAll(/<NavigationProperty\s[^>]*\/>/g)) {
                const a = attrs(n[0]);
                const end = ends.get(`${stripNs(a.Relationship)}/${a.ToRole}`);
                if (end) navigation.set(a.Name, { target: end.type, many: end.many });
            }
            this.entityTypes.set(name, { name, keys, properties, navigation });
        }
        for (const s of xml.matchAll(/<EntitySet\s[^>]*\/?>/g)) {
            const a = attrs(s[0]);
            this.entitySets.set(a.Name, { type: stripNs(a.EntityType), creatable: a['sap:creatable'] !== 'false' });
        }
    }

    static load(path) {
        return new Edmx(readFileSync(path, 'utf8'));
    }

    typeOfSet(setName) {
        const set = this.entitySets.get(setName);
        return set ? this.entityTypes.get(set.type) : undefined;
    }
}

function stripNs(qualified) {
    const i = qualified.lastIndexOf('.');
    return i >= 0 ? qualified.slice(i + 1) : qualified;
}
