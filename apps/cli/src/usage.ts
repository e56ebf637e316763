/** A command line that does not fit the usage: exit code 2 and the usage text. */
export class UsageError extends Error {}

export const USAGE = `usage: npm run -s cli -- <command>
  migrate                                   create the database if missing and apply migrations
  token --sub <id> --name <name> --role <role>[,<role>...] [--unit <code>] [--department <code>] [--ttl 8h]
                                            print a signed JWT for a user or service account <id> (a new id
                                            makes a service account with these roles; disabling it revokes it)
  import <file> --year <YYYY> [--dry-run] [--json]
                                            import a target document (text form or .docx), as POST /imports
  rebuild <projection>                      rebuild a projection now (execution, review-queue), with a progress bar
  demo                                      the seed imported, targets approved, a year of disbursements, demo users
                                            (sign-in logins printed; their passwords are for demos only)
  user add --id <id> --name <name> --role <role> [--role ...] [--unit <code>] [--department <code>]
                                            create a user who signs in at POST /auth/login
  user passwd --id <id>                     set a user's password
                                            (both take the password from BP_PASSWORD, or generate and print one)
  sweep --as-of <YYYY-MM-DD> --kind checkpoint|early
                                            run a monitoring sweep now and wait for it
  round open --year <YYYY> --name <name> --as-of <date> --deadline <date>
  round status <roundId>                    a monitoring round and how many targets reported
  report <targetId> --round <roundId> --lines <lines.json>
                                            file a monitoring report (as an admin)
  monitoring-table <targetId> --round <roundId> [--xlsx <out.xlsx>]
  self-evaluation <targetId> [--entries <entries.json>] [--xlsx <out.xlsx>]
                                            file (with --entries) and show or export a self-evaluation
  publish --department <code> --year <YYYY> [--out <file.docx>]
                                            the department's publication (part 1 and every approved table) as .docx`;
