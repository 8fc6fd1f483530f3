export { createMailer, MailDeliveryError } from './mailer.ts';
export type { Mailer, MailerOptions, MailMessage, SentMail } from './mailer.ts';
