import { Hono } from 'hono';
import { byFlag, checkIfMatch, findRow, listHandler, paths, readData, respond, showHandler, type Collection } from './collection';
import { createContact, updateContact, type ContactInput } from './contacts-model';
import type { ApiEnv, Emulator } from './context';
import { undeletable } from './errors';
import type { Contact } from './records';
import { contactShape } from './shapes';

export const contacts: Collection<Contact> = {
  shape: contactShape,
  table: (s) => s.contacts,
  filters: {
    type: (c, v) => c.type === v,
    client_only: byFlag((c) => c.is_client),
    email_only: byFlag((c) => c.email_addresses.length > 0),
    query: (c, v) => {
      const needle = v.toLowerCase();
      return c.name.toLowerCase().includes(needle) || c.email_addresses.some((e) => e.address.toLowerCase().includes(needle));
    },
  },
};

export function contactRoutes(emu: Emulator): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.on('GET', paths('/contacts'), listHandler(emu, contacts));
  api.get('/contacts/:id', showHandler(emu, contacts));
  api.on('POST', paths('/contacts'), async (c) => {
    const contact = createContact(emu.state, await readData<ContactInput>(c));
    return respond(emu, c, contactShape, contact, 201);
  });
  api.patch('/contacts/:id', async (c) => {
    const contact = findRow(emu, contacts, c);
    checkIfMatch(c, contact);
    return respond(emu, c, contactShape, updateContact(emu.state, contact, await readData<ContactInput>(c)));
  });
  api.delete('/contacts/:id', (c) => {
    const contact = findRow(emu, contacts, c);
    checkIfMatch(c, contact);
    const state = emu.state;
    if (state.bills.where('client_id', contact.id).length > 0 || state.matters.where('client_id', contact.id).length > 0) {
      throw undeletable('A contact with matters or bills cannot be deleted');
    }
    state.contacts.remove(contact.id);
    return c.body(null, 204);
  });
  return api;
}
