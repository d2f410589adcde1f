/**
 * Sending email, behind the one call the rest of the server needs. The SMTP implementation uses
 * nodemailer, loaded only when SMTP is configured, so a server without mail needs no mail library.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export async function createSmtpMailer(smtpUrl: string, from: string): Promise<Mailer> {
  const nodemailer = await import('nodemailer');
  // smtp://user:pass@host:587 (STARTTLS when offered) or smtps://… (TLS from the start).
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => transport.close(),
  };
}
